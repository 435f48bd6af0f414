import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { clusterTestEnv } from './test/cluster/env.js';

// Three projects: `unit` needs nothing running; `integration` runs against the real embedded stack,
// which test/global-setup.ts starts when it is not already up (and stops again if it started it);
// `cluster` (the node-loss tests) on a three-node stack of its own, which test/cluster/global-setup.ts
// starts and stops. The last two use the same ports: `npm test` runs `cluster` after the others.
export default defineConfig({
  // The workspace's Spark Connect client from its sources, as tsconfig.json's paths say.
  resolve: { alias: [{ find: /^@lake\/spark-connect$/, replacement: fileURLToPath(new URL('./packages/spark-connect/src/index.ts', import.meta.url)) }] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'control/**/*.test.ts', 'jobs/**/*.test.ts', 'api/**/*.test.ts', 'viz/**/*.test.ts', 'infra/**/*.test.ts', 'test/support/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          env: clusterTestEnv(),
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
