// Compiles the CLI to dist/ (tsconfig.build.json) when a source changed since the last build, so
// that `lake` starts as plain JavaScript (bin/lake.mjs). Runs after the protocol code is generated:
// first the Spark Connect client (packages/spark-connect, to its own dist/, which the compiled CLI
// imports as the package @lake/spark-connect), then the CLI.
import { spawn } from 'node:child_process';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../config.js';
import { LakeError } from '../errors.js';

/** Compiles when needed; true when it did. */
export async function buildCli(): Promise<boolean> {
  // By path from the repository: this module also runs compiled, from dist/control/setup/.
  const { builtStamp, cliBuildState } = (await import(pathToFileURL(path.join(repoRoot, 'bin', 'cli-build.mjs')).href)) as typeof import('../../bin/cli-build.mjs');
  if (cliBuildState(repoRoot) === 'current') return false;
  const startedAt = new Date();
  await compile(path.join('packages', 'spark-connect', 'tsconfig.json'));
  await compile('tsconfig.build.json');
  // The stamp takes the time the build started: a source saved during the build makes it stale.
  const stamp = builtStamp(repoRoot);
  await mkdir(path.dirname(stamp), { recursive: true });
  await writeFile(stamp, `${startedAt.toISOString()}\n`);
  await utimes(stamp, startedAt, startedAt);
  return true;
}

async function compile(project: string): Promise<void> {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-p', path.join(repoRoot, project)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new LakeError(`compiling the CLI failed (tsc -p ${project}):\n${output.trim()}`, 'fix the TypeScript errors above; `npm run check` shows them too');
}
