// The embedded stack's own costs, measured: resolving the JVM dependencies (from the local Maven
// repository into an empty cache; with the cache already stamped), `stack up` on a running stack,
// each daemon's resident memory idle and at the peak of a large aggregation, `stack down`, and
// `stack up` again with the data kept. It stops and starts the embedded stack: run it when
// nothing else uses the stack; it leaves the stack up.
//
//   npm run bench:stack            (ROUNDS=2 by default: down/up timed that many times)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../control/config.js';
import { SparkSession } from '@lake/spark-connect';
import { isResolved, jarSets, resolveJars } from '../control/stack/maven.js';
import { stackLayout } from '../control/stack/layout.js';
import { stackDown, stackUp } from '../control/stack/stack.js';
import { memory, processes } from './stack-processes.js';

const config = loadConfig();
const rounds = Number(process.env.ROUNDS ?? 2);
const quiet = () => undefined;
const lines: string[] = [`Embedded stack, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, ''];

async function timed(what: string, action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  const seconds = (performance.now() - started) / 1000;
  lines.push(`| ${what} | ${seconds.toFixed(1)} s |`);
  return seconds;
}

const describeMemory = (sizes: Map<string, number>) =>
  `${[...sizes.values()].reduce((sum, size) => sum + size, 0)} MiB (${[...sizes].map(([name, size]) => `${name} ${size}`).join(', ')})`;

// JVM dependencies: from the local Maven repository (~/.m2, as on a machine that resolved them
// before) into an empty cache folder, then the check that finds them stamped.
const cache = await mkdtemp(path.join(os.tmpdir(), 'lake-bench-cache-'));
lines.push('| step | wall time |', '| --- | ---: |');
try {
  const layout = stackLayout({ ...config, cacheDir: cache });
  await timed('JVM dependencies from the local Maven repository into an empty cache', () => resolveJars(layout, quiet));
  await timed('JVM dependencies already in the cache (pom hash matches the stamp)', async () => {
    for (const set of jarSets) if (!(await isResolved(layout, set))) throw new Error(`${set} not resolved`);
  });
} finally {
  await rm(cache, { recursive: true, force: true });
}

await stackUp(config, quiet);
await timed('`stack up` on a running stack (health checks only)', () => stackUp(config, quiet));
for (let round = 1; round <= rounds; round++) {
  await timed(`\`stack down\` (round ${round})`, () => stackDown(config, quiet));
  await timed(`\`stack up\`, data kept (round ${round})`, () => stackUp(config, quiet));
}

// Memory: idle once a first query has started the executor, then sampled every 250 ms during a
// 200 M-row aggregation (16 partitions), keeping each process's peak.
const session = await SparkSession.connect(config.sparkRemote);
try {
  await (await session.sql('SELECT 1')).collect();
  // The processes are found once (their health checks are round trips); then /proc is sampled.
  const pids = await processes(config);
  const idle = await memory(pids);
  const peak = new Map(idle);
  const sampler = setInterval(() => {
    void memory(pids).then((sizes) => {
      for (const [name, size] of sizes) peak.set(name, Math.max(peak.get(name) ?? 0, size));
    });
  }, 250);
  try {
    await (await session.sql('SELECT id % 1000 AS k, count(*) AS n, sum(id) AS s FROM range(0, 200000000, 1, 16) GROUP BY k')).collect();
  } finally {
    clearInterval(sampler);
  }
  lines.push('', '| state | resident memory, summed |', '| --- | --- |');
  lines.push(`| idle, after a first query | ${describeMemory(idle)} |`);
  lines.push(`| peak during a 200 M-row aggregation | ${describeMemory(peak)} |`);
} finally {
  await session.close();
}
process.stdout.write(`${lines.join('\n')}\n`);
