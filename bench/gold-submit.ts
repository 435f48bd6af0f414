// Benchmark: `npm run job:gold` against a fresh `spark-submit` of the same four metrics as a plain
// PySpark job (bench/gold_plain.py: read the silver Delta tables, write each metric as a Delta
// table), on the same scale s lake, taking turns, three rounds. Both from a cold process, as a user
// runs them: the lake's CLI talks to the running Spark Connect server; spark-submit starts its own
// driver (`--master local[*]`) on the same two cores, once with Spark's and Delta's defaults and
// once with the two settings the lake's server has for small data (8 shuffle partitions, Delta
// state rebuilt in 2). Ratio = spark-submit / job:gold.
//
// PySpark comes from PyPI, into .lake/bench/pyspark (once); the Delta jars are the ones
// `npm run setup` resolved for the embedded stack.
//
//   npm run bench:gold-submit -- [scale, default s] [rounds, default 3]
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../control/config.js';
import { runBronze } from '../jobs/bronze.js';
import { runSilver } from '../jobs/silver.js';
import { createBenchLake, parseScale } from './bench-lake.js';
import { ensurePyspark, pysparkVersion, stackJars, timed, timedSubmit } from './spark-submit.js';
import { median, spread } from './stats.js';

const scale = parseScale(process.argv[2]);
const rounds = Number(process.argv[3] ?? 3);

ensurePyspark();
const lake = await createBenchLake(scale);
const { config } = lake;
try {
  await runBronze(config);
  await runSilver(config);
  const lakeEnv = { LAKE_ROOT: config.lakeRoot, LAKE_INPUT: config.inputDir, LAKE_KAFKA_TOPIC: config.kafkaTopic };
  const tuned = ['--conf', 'spark.sql.shuffle.partitions=8', '--conf', 'spark.databricks.delta.snapshotPartitions=2'];
  const submitArgs = (settings: string[]) => [
    '--master', 'local[*]',
    ...settings,
    '--jars', stackJars(/^delta-(spark|storage)/),
    '--conf', 'spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension',
    '--conf', 'spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog',
    '--conf', 'spark.sql.session.timeZone=UTC',
    '--conf', 'spark.ui.enabled=false',
    path.join(repoRoot, 'bench', 'gold_plain.py'),
    `${config.lakeRoot}/silver`,
    `${config.lakeRoot}/_bench/gold-plain`,
    path.join(repoRoot, 'jobs', 'sql', 'gold'),
  ];
  const lakeTimes: number[] = [];
  const submitTimes: number[] = [];
  const tunedTimes: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round}: job:gold…\n`);
    lakeTimes.push(await timed(process.execPath, [path.join(repoRoot, 'bin', 'lake.mjs'), 'job', 'gold', '--full-refresh'], lakeEnv));
    process.stderr.write(`round ${round}: spark-submit gold_plain.py, defaults…\n`);
    submitTimes.push(await timedSubmit(submitArgs([])));
    process.stderr.write(`round ${round}: spark-submit gold_plain.py, tuned…\n`);
    tunedTimes.push(await timedSubmit(submitArgs(tuned)));
  }
  process.stdout.write(
    [
      `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; scale ${scale}; ${rounds} rounds taking turns; ${new Date().toISOString()}.`,
      '',
      '| job (cold process, wall time) | median | spread |',
      '| --- | ---: | ---: |',
      `| \`npm run job:gold -- --full-refresh\` (lake CLI → Spark Connect) | ${median(lakeTimes).toFixed(1)} s | ${spread(lakeTimes)} |`,
      `| \`spark-submit --master local[*] gold_plain.py\` (PySpark ${pysparkVersion}), defaults | ${median(submitTimes).toFixed(1)} s | ${spread(submitTimes)} |`,
      `| the same, 8 shuffle partitions and Delta's snapshotPartitions 2 | ${median(tunedTimes).toFixed(1)} s | ${spread(tunedTimes)} |`,
      '',
      `spark-submit / job:gold: ${(median(submitTimes) / median(lakeTimes)).toFixed(2)}× with the defaults, ${(median(tunedTimes) / median(lakeTimes)).toFixed(2)}× tuned`,
      '',
    ].join('\n'),
  );
} finally {
  await lake.destroy();
}
