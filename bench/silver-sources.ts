// Where silver's engine time goes, source by source: on a lake whose bronze holds one day at a
// scale, the bronze lines are numbered once (as silver does), then each source's cleaning SQL runs
// alone, written to Parquet as silver stages it, and again into Spark's `noop` sink (the same
// work without the write); for the file sources, a plain scan of the numbered lines too.
//
//   npm run bench:silver-sources -- m      (scale xs | s | m; the embedded stack must be up)
import { SparkSession } from '@lake/spark-connect';
import { silverTables } from '../jobs/catalog.js';
import { fileTables, registerBronzeViews } from '../jobs/silver/bronze-views.js';
import { createBenchLake, landBronze, parseScale } from './bench-lake.js';
import { layerSql } from '../jobs/sql-files.js';

const scale = parseScale(process.argv[2]);
const lake = await createBenchLake(scale);
const { config } = lake;
const lines: string[] = [];
// The noop sink writes nowhere: the path it is given is ignored.
const noPath = 'noop';
const timed = async (what: string, work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  lines.push(`| ${what} | ${((performance.now() - started) / 1000).toFixed(1)} s |`);
};
let session: SparkSession | undefined;
try {
  const batches = await landBronze(config);
  session = await SparkSession.connect(config.sparkRemote);
  const spark = session;
  lines.push(`Scale ${scale}: ${lake.records.toLocaleString('en')} records a source, each step alone`, '', '| step | wall time |', '| --- | ---: |');
  await timed('number the lines of the three file sources (scratch Parquet)', () =>
    registerBronzeViews(spark, config, batches, { materializeIn: `${config.lakeRoot}/bench/lines` }),
  );
  for (const table of fileTables) {
    await timed(`${table}: scan the numbered lines (noop sink)`, async () => (await spark.sql(`SELECT * FROM bronze_${table}_lines`)).write.format('noop').mode('overwrite').save(noPath));
  }
  for (const table of silverTables) {
    const sql = await layerSql('silver', table);
    await timed(`${table}: cleaning SQL written to Parquet`, () => spark.sql(`INSERT OVERWRITE DIRECTORY '${config.lakeRoot}/bench/${table}' USING parquet\n${sql}`));
    await timed(`${table}: cleaning SQL into the noop sink`, async () => (await spark.sql(sql)).write.format('noop').mode('overwrite').save(noPath));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await session?.close();
  await lake.destroy();
}
