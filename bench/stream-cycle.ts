// Where one turn of the stream goes once its events have landed: on a scale xs lake, a number of
// cycles, each a block of new events produced, landed by `job:bronze`, then the incremental
// silver run the stream makes (its rows kept on the executors, as `lake stream` keeps them) and
// the gold run. Per cycle and layer: wall time, Spark Connect calls, and Spark jobs (from the
// Connect server's REST API, so run it alone); for the last cycle, every call with its time.
//
//   npm run bench:cycle -- [cycles] [events a cycle]     (default 5 cycles of 25 000 events)
import type { LakeConfig } from '../control/config.js';
import { produceAdEvents } from '../control/kafka/produce-ad-events.js';
import { runBronze } from '../jobs/bronze.js';
import { runGold } from '../jobs/gold.js';
import { runSilver } from '../jobs/silver.js';
import { streamSilverOptions } from '../jobs/stream.js';
import { createBenchLake } from './bench-lake.js';
import { newestJob } from './executor-time.js';
import { recordSparkCalls } from './spark-plan.js';

const cycles = Number(process.argv[2] ?? 5);
const events = Number(process.argv[3] ?? 25_000);

let step = '';
const calls = recordSparkCalls(() => step);

const layers: [string, (config: LakeConfig) => Promise<unknown>][] = [
  ['bronze', (config) => runBronze(config)],
  ['silver', (config) => runSilver(config, streamSilverOptions)],
  ['gold', (config) => runGold(config)],
];

const lake = await createBenchLake('xs');
try {
  for (const [, run] of layers) await run(lake.config);
  for (let cycle = 1; cycle <= cycles; cycle++) {
    await produceAdEvents(lake.config, { count: events, partitions: 3, dirtyRate: 0.02, seed: 10 + cycle });
    const line: string[] = [];
    for (const [name, run] of layers) {
      step = `${cycle} ${name}`;
      const firstJob = await newestJob();
      const started = performance.now();
      await run(lake.config);
      const wall = (performance.now() - started) / 1000;
      const jobs = (await newestJob()) - firstJob;
      const mine = calls.filter((call) => call.step === step);
      line.push(`${name} ${wall.toFixed(2)} s (${mine.length} calls, ${jobs} jobs)`);
      if (cycle === cycles) for (const call of mine) process.stdout.write(`    ${name} ${(call.ms / 1000).toFixed(2).padStart(5)} s  ${call.what.slice(0, 110)}\n`);
    }
    process.stdout.write(`cycle ${cycle} of ${events} events: ${line.join(' | ')}\n`);
  }
} finally {
  await lake.destroy();
}
