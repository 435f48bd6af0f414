#!/usr/bin/env node
// `lake` (`npx lake …`, and every `npm run` alias): the CLI compiled to dist/ by `npm run setup`,
// so it starts without transpiling TypeScript. Before the first setup, or when a source changed
// since the last build, the TypeScript sources run under tsx instead (setup compiles them again).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliBuildState, compiledMain } from './cli-build.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const state = cliBuildState(root);

if (state === 'current') {
  await import(pathToFileURL(compiledMain(root)).href);
} else {
  if (state === 'stale') process.stderr.write('lake: sources changed since the CLI was compiled: running them under tsx (`npm run setup` compiles them)\n');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'control', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; here it must only not kill us first.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
