import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.lake/', 'out/', 'dist/', 'packages/*/dist/', 'packages/spark-connect/src/gen/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The dashboard's page script runs in the browser, as is, without a build step.
    files: ['api/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', atob: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', TextDecoderStream: 'readonly' },
    },
  },
  {
    // Plain Node scripts that run before the dependencies are installed.
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', 'packages/*/scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Imports point one way: the lake uses the Spark Connect client, through its public entry
    // point only (the package name, never a path into its sources).
    ignores: ['packages/spark-connect/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/packages/spark-connect/**', '@lake/spark-connect/src/**', '@lake/spark-connect/dist/**'], message: "import the Spark Connect client as '@lake/spark-connect'" },
          ],
        },
      ],
    },
  },
  {
    // The Spark Connect client is a library of its own: it never imports the lake (nothing outside
    // its package, no lake dependency such as the CLI's progress bar).
    files: ['packages/spark-connect/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'cli-progress', message: 'progress bars belong to the application: emit progress events (ExecuteOptions.onProgress)' }],
          patterns: [
            { group: ['../../*', '!../../package.json'], message: 'the Spark Connect client never imports from outside its package' },
            { regex: '^(\\.\\./)*(control|jobs|api|viz|bench|test|scripts|infra)(/|$)', message: 'the Spark Connect client never imports the lake' },
            { regex: '^lake(/|$)', message: 'the Spark Connect client never imports the lake' },
          ],
        },
      ],
    },
  },
);
