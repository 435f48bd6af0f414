// Benchmark of the pipeline: bronze → silver → gold on generated data at a given scale, per layer
// wall time and records/s, and the ratio of the whole pipeline to the engine floor — the same
// cleaning and metrics submitted as plain Spark SQL in one session (no manifests, no conservation
// check, no Delta tables, no publication), i.e. what Spark needs for the work itself. Then a
// second day: new input files of scale `xs` (another seed) and 1 000 new events land in the same
// lake (1 % of a scale s lake), or files of the second argument's scale and as many events (scale
// s on a scale m lake: 10 %), and the incremental `job:all` is timed against the first day's.
//
//   npm run bench:pipeline -- s        (scale xs | s | m; the embedded stack must be up)
//   npm run bench:pipeline -- m s      (a second day of scale s on the scale m lake)
//
// It uses a fresh lake root, input folder and Kafka topic, and removes them afterwards.
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { RunStore } from '../control/runs/manifest.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../jobs/bronze.js';
import { goldTables, runGold } from '../jobs/gold.js';
import { silverColumns, silverTables } from '../jobs/catalog.js';
import { runSilver } from '../jobs/silver.js';
import { registerBronzeViews } from '../jobs/silver/bronze-views.js';
import { createBenchLake, parseScale } from './bench-lake.js';
import { layerSql } from '../jobs/sql-files.js';
import { classify } from '../jobs/silver/classify.js';

const scale = parseScale(process.argv[2]);
const dayScale = parseScale(process.argv[3] ?? 'xs');
const lake = await createBenchLake(scale);
const { config } = lake;
const hdfs = new WebHdfs(config.webHdfs);

const seconds = (from: number) => (performance.now() - from) / 1000;
const lines: string[] = [];
try {
  const { records } = lake;
  const total = records * 4;

  const timings = await timeLayers();
  const pipeline = timings.reduce((sum, [, t]) => sum + t, 0);
  const floor = await engineFloor();

  lines.push(`Scale ${scale}: ${records.toLocaleString('en')} records a source, ${total.toLocaleString('en')} in all (4 sources)`, '');
  lines.push('| layer | wall time | records/s |', '| --- | ---: | ---: |');
  for (const [layer, t] of timings) lines.push(`| ${layer} | ${t.toFixed(1)} s | ${Math.round(total / t).toLocaleString('en')} |`);
  lines.push(`| **pipeline** | **${pipeline.toFixed(1)} s** | **${Math.round(total / pipeline).toLocaleString('en')}** |`, '');
  lines.push(`Engine floor (silver + gold as plain SQL in one session): ${floor.toFixed(1)} s`);
  lines.push(`Silver + gold through the control plane / engine floor: ${((timings[1]![1] + timings[2]![1]) / floor).toFixed(2)}×`);

  const newRecords = await lake.addSecondDay(dayScale);
  const dayTwo = await timeLayers();
  const share = `${((100 * newRecords) / total).toFixed(0)} % of the first day's records`;
  lines.push('', `Second day: ${newRecords.toLocaleString('en')} new records (scale ${dayScale} files and events, ${share}), incremental job:all`, '');
  lines.push('| layer | wall time |', '| --- | ---: |');
  for (const [layer, t] of dayTwo) lines.push(`| ${layer} | ${t.toFixed(1)} s |`);
  const dayTwoTotal = dayTwo.reduce((sum, [, t]) => sum + t, 0);
  lines.push(`| **job:all** | **${dayTwoTotal.toFixed(1)} s** |`, '');
  lines.push(`Second day / first day: ${((100 * dayTwoTotal) / pipeline).toFixed(0)} % of the first day's ${pipeline.toFixed(1)} s`);
} finally {
  await lake.destroy();
}
process.stdout.write(`${lines.join('\n')}\n`);

/** Times the three layers of an incremental job:all. */
async function timeLayers(): Promise<[string, number][]> {
  const timings: [string, number][] = [];
  for (const [layer, run] of [
    ['bronze', () => runBronze(config)],
    ['silver', () => runSilver(config)],
    ['gold', () => runGold(config)],
  ] as const) {
    const started = performance.now();
    await run();
    timings.push([layer, seconds(started)]);
  }
  return timings;
}

/** The same cleaning and metrics, hand-submitted: each silver classification (cleaning SQL, then duplicates) in scratch Parquet, then gold. */
async function engineFloor(): Promise<number> {
  const session = await SparkSession.connect(config.sparkRemote);
  try {
    const runs = await new RunStore(hdfs, hdfsPath(config.lakeRoot)).succeeded('bronze');
    const started = performance.now();
    await registerBronzeViews(session, config, runs, { materializeIn: `${config.lakeRoot}/floor/lines` });
    for (const table of silverTables) {
      const verdicts = await classify(session, table, { folder: `${config.lakeRoot}/floor/${table}` }, false);
      await (await session.sql(`SELECT ${silverColumns[table].join(', ')} FROM (${verdicts}) WHERE reason IS NULL`)).createOrReplaceTempView(`silver_${table}`);
    }
    for (const table of goldTables) {
      const metric = await session.sql(await layerSql('gold', table));
      await metric.write.format('parquet').mode('overwrite').save(`${config.lakeRoot}/floor/gold/${table}`);
    }
    return seconds(started);
  } finally {
    await session.close();
  }
}
