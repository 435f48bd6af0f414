// Two or more versions of a cleaning (or any) SQL, side by side on the same bronze: each runs into
// Spark's `noop` sink, the versions alternating, for a few rounds (the machine is noisy: compare
// within one run); then every version's rows are checked equal to the first's (`EXCEPT ALL` both
// ways). How the cleaning SQL of jobs/sql/silver is made faster without changing what it says.
// A version whose columns differ from the first's is timed, not compared: a query cut after one of
// its steps (`SELECT * FROM <a CTE>`) shows what the steps up to it cost.
//
//   npm run bench:sql-variants -- m jobs/sql/silver/social_posts.sql /tmp/social_posts.sql
//   (scale xs | s | m; ROUNDS=3 by default; the embedded stack must be up)
import { readFile } from 'node:fs/promises';
import { SparkSession } from '@lake/spark-connect';
import { registerBronzeViews } from '../jobs/silver/bronze-views.js';
import { createBenchLake, landBronze, parseScale } from './bench-lake.js';
import { median, spread } from './stats.js';

const [scaleArgument, ...files] = process.argv.slice(2);
if (files.length < 1) throw new Error('usage: bench:sql-variants -- <scale> <file.sql> [<file.sql>...]');
const scale = parseScale(scaleArgument);
const rounds = Number(process.env.ROUNDS ?? 3);
const sqls = await Promise.all(files.map((file) => readFile(file, 'utf8')));
const lake = await createBenchLake(scale);
const { config } = lake;
let session: SparkSession | undefined;
try {
  const batches = await landBronze(config);
  session = await SparkSession.connect(config.sparkRemote);
  const spark = session;
  await registerBronzeViews(spark, config, batches, { materializeIn: `${config.lakeRoot}/bench/lines` });
  const times = sqls.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, sql] of sqls.entries()) {
      const started = performance.now();
      await (await spark.sql(sql)).write.format('noop').mode('overwrite').save('noop');
      times[i]!.push((performance.now() - started) / 1000);
    }
  }
  const lines = [`Scale ${scale}: ${lake.records.toLocaleString('en')} records a source, ${rounds} rounds alternating`, '', '| SQL | median | spread | rows differing from the first |', '| --- | ---: | ---: | ---: |'];
  for (const [i, file] of files.entries()) {
    const differing = i === 0 ? '—' : await differingRows(spark, sqls[0]!, sqls[i]!);
    lines.push(`| ${file} | ${median(times[i]!).toFixed(1)} s | ${spread(times[i]!)} | ${differing} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await session?.close();
  await lake.destroy();
}

/** Rows of one result not in the other, both ways, as multisets (when their columns are the same). */
async function differingRows(spark: SparkSession, first: string, other: string): Promise<string> {
  const [a, b] = await Promise.all([first, other].map(async (sql) => JSON.stringify(await (await spark.sql(sql)).schema())));
  if (a !== b) return 'other columns: not compared';
  await spark.sql(`CREATE OR REPLACE TEMP VIEW variant_a AS ${first}`);
  await spark.sql(`CREATE OR REPLACE TEMP VIEW variant_b AS ${other}`);
  const [row] = await (
    await spark.sql(`SELECT (SELECT count(*) FROM (SELECT * FROM variant_a EXCEPT ALL SELECT * FROM variant_b))
                          + (SELECT count(*) FROM (SELECT * FROM variant_b EXCEPT ALL SELECT * FROM variant_a)) AS n`)
  ).collect<{ n: bigint }>();
  return String(row!.n);
}
