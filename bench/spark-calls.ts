// Where a pipeline run's time goes: every Spark Connect call of bronze, silver and gold timed, on
// a first day at a scale and a second day (by default scale xs files and 1 000 events). Prints
// each layer's wall time, how many calls it made and how long they took in all (side-by-side calls
// overlap, so that sum can exceed the wall time), the CPU time each process of the stack (and this
// one, where the control plane runs) spent meanwhile, and its slowest calls with the head of their
// SQL. A layer whose processes used about two CPU seconds a second of wall time was bound by the
// machine's two cores, not by waiting. Then the executors' time of the layer's SQL statements, from
// Spark's UI (bench/executor-time.ts): the work each cost, which does not wait on the others.
//
//   npm run bench:calls -- s [top] [day]   (scale xs | s | m; top: slowest calls listed, default 8;
//                                           day: the second day's scale, default xs)
import { runBronze } from '../jobs/bronze.js';
import { runGold } from '../jobs/gold.js';
import { runSilver } from '../jobs/silver.js';
import { createBenchLake, parseScale } from './bench-lake.js';
import { recordSparkCalls } from './spark-plan.js';
import { newestStatement, statementsAfter } from './executor-time.js';
import { cpuTimes, processes } from './stack-processes.js';

const scale = parseScale(process.argv[2]);
const top = Number(process.argv[3] ?? 8);
const dayScale = parseScale(process.argv[4] ?? 'xs');
let layer = '';
const calls = recordSparkCalls(() => layer);

const lake = await createBenchLake(scale);
const stack = await processes(lake.config);
const nodeCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const lines: string[] = [];
try {
  for (const day of ['first day', 'second day']) {
    if (day === 'second day') await lake.addSecondDay(dayScale);
    for (const [name, run] of [
      ['bronze', () => runBronze(lake.config)],
      ['silver', () => runSilver(lake.config)],
      ['gold', () => runGold(lake.config)],
    ] as const) {
      layer = `${day}, ${name}`;
      const [cpuBefore, nodeBefore, statementBefore] = [await cpuTimes(stack), nodeCpu(), await newestStatement()];
      const started = performance.now();
      await run();
      const wall = (performance.now() - started) / 1000;
      const [cpuAfter, nodeAfter] = [await cpuTimes(stack), nodeCpu()];
      const mine = calls.filter((call) => call.step === layer);
      const inSpark = mine.reduce((sum, call) => sum + call.ms, 0) / 1000;
      const used = [...cpuAfter].map(([name, seconds]) => [name, seconds - (cpuBefore.get(name) ?? 0)] as const).concat([['control plane (node)', nodeAfter - nodeBefore]]);
      const cpu = used.reduce((sum, [, seconds]) => sum + seconds, 0);
      lines.push(`${layer}: ${wall.toFixed(1)} s wall, ${mine.length} Spark calls taking ${inSpark.toFixed(1)} s in all`);
      lines.push(`  CPU ${cpu.toFixed(1)} s (${(cpu / wall).toFixed(2)} cores busy): ${used.filter(([, seconds]) => seconds >= 0.05).map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`).join(', ')}`);
      for (const call of [...mine].sort((a, b) => b.ms - a.ms).slice(0, top)) lines.push(`  ${(call.ms / 1000).toFixed(2).padStart(6)} s  ${call.what}`);
      const statements = await statementsAfter(statementBefore);
      const executorMs = statements.reduce((sum, statement) => sum + statement.executorMs, 0);
      lines.push(`  executors: ${(executorMs / 1000).toFixed(1)} s of task time over ${statements.length} SQL statements${statements.length >= 200 ? ' (the UI keeps the last 200)' : ''}`);
      for (const statement of [...statements].sort((a, b) => b.executorMs - a.executorMs).slice(0, top)) {
        lines.push(`  ${(statement.executorMs / 1000).toFixed(2).padStart(6)} s  (${(statement.wallMs / 1000).toFixed(1)} s wall)  ${statement.what}`);
      }
    }
  }
} finally {
  await lake.destroy();
}
process.stdout.write(`Scale ${scale}, second day of scale ${dayScale}\n${lines.join('\n')}\n`);
