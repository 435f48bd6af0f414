// Plain PySpark jobs started the way users start them, `spark-submit --master local[*]`, for the
// benchmarks that compare the lake with them. PySpark comes from PyPI into .lake/bench/pyspark
// (once); the connector jars (Delta, Kafka) are the ones `npm run setup` resolved for the stack.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../control/config.js';

export const pysparkVersion = '4.2.0';
const venv = path.join(repoRoot, '.lake', 'bench', 'pyspark');
const sparkSubmit = path.join(venv, 'bin', 'spark-submit');
const jarsFolder = path.join(repoRoot, '.lake', 'cache', 'spark', 'jars');

/** Installs PySpark into its own virtual environment unless it is there. */
export function ensurePyspark(): void {
  if (existsSync(sparkSubmit)) return;
  process.stderr.write(`installing pyspark ${pysparkVersion} into ${venv} (once)…\n`);
  for (const [command, args] of [
    ['python3', ['-m', 'venv', venv]],
    [path.join(venv, 'bin', 'pip'), ['install', '--quiet', `pyspark==${pysparkVersion}`]],
  ] as const) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  }
}

/** The stack's jars whose file names match, as spark-submit's `--jars` value. */
export function stackJars(names: RegExp): string {
  return readdirSync(jarsFolder)
    .filter((jar) => names.test(jar))
    .map((jar) => path.join(jarsFolder, jar))
    .join(',');
}

/** Seconds that `spark-submit <args>` took from start to exit; rejects with its stderr's tail when it fails. */
export function timedSubmit(args: string[]): Promise<number> {
  // The venv's Spark, whatever SPARK_HOME the caller's shell has; its `python` on the PATH too.
  const [python] = readdirSync(path.join(venv, 'lib'));
  const env = {
    SPARK_HOME: path.join(venv, 'lib', python!, 'site-packages', 'pyspark'),
    PATH: `${path.dirname(sparkSubmit)}:${process.env.PATH ?? ''}`,
    PYSPARK_PYTHON: path.join(venv, 'bin', 'python'),
  };
  return timed(sparkSubmit, args, env);
}

/** Seconds from the process's start to its exit; rejects with its stderr's tail when it fails. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`${command} exited with ${code}:\n${stderr}`))));
  });
}
