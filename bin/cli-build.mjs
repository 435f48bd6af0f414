// Whether the compiled CLI in dist/ is current: built after the last change to any TypeScript
// source it is compiled from. Shared by the `lake` launcher (bin/lake.mjs), which must decide in a
// few milliseconds, and by setup, which compiles when it is not (control/setup/build-cli.ts).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The folders tsconfig.build.json compiles, and the sources of the Spark Connect package they import. */
export const compiledFolders = ['control', 'jobs', 'api', 'viz', 'packages/spark-connect/src'];

/** The file whose modification time is that of the last successful build. */
export const builtStamp = (root) => path.join(root, 'dist', '.built');

/** The compiled entry point of the CLI. */
export const compiledMain = (root) => path.join(root, 'dist', 'control', 'cli', 'main.js');

function newestSource(root) {
  let newest = 0;
  for (const folder of compiledFolders) {
    for (const entry of readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}

/** `missing` before the first build, `stale` when a source changed since, else `current`. */
export function cliBuildState(root) {
  let built;
  try {
    built = statSync(builtStamp(root)).mtimeMs;
  } catch {
    return 'missing';
  }
  return newestSource(root) <= built ? 'current' : 'stale';
}
