// Benchmark: the lake's first day against the way the original PySpark scripts work, on the same
// generated inputs, HDFS and Kafka topic. The lake: `lake job bronze`, `silver`, `gold`, three
// cold CLI processes on the embedded Spark Connect server, into an empty lake. The scripts: three
// cold `spark-submit --master local[*]` processes (bench/plain-pyspark/: Spark's own readers,
// DataFrame cleaning, Parquet out; what they leave out is listed in silver.py), with Spark's
// defaults and a driver heap of the lake executor's size (2 GiB). Both on the same two cores,
// taking turns (who goes first alternates), each round into new folders. Ratio = lake / scripts.
//
// After the runs, the silver rows of each source on both sides, read back through Spark, show how
// close the two cleanings are (they are not the same rules: silver.py says where they differ).
//
//   npm run bench:pyspark -- [scale, default s] [rounds, default 3]
import os from 'node:os';
import path from 'node:path';
import { SparkSession } from '@lake/spark-connect';
import { repoRoot } from '../control/config.js';
import { silverTables } from '../jobs/catalog.js';
import { createBenchLake, parseScale } from './bench-lake.js';
import { ensurePyspark, median, pysparkVersion, spread, stackJars, timed, timedSubmit } from './spark-submit.js';

const scale = parseScale(process.argv[2]);
const rounds = Number(process.argv[3] ?? 3);
const layers = ['bronze', 'silver', 'gold'] as const;
type Times = Record<(typeof layers)[number], number[]>;
const emptyTimes = (): Times => ({ bronze: [], silver: [], gold: [] });

ensurePyspark();
const lake = await createBenchLake(scale);
const { config } = lake;
const lakeTimes = emptyTimes();
const plainTimes = emptyTimes();
const lakeRoot = (round: number) => `${config.lakeRoot}/lake-${round}`;
const plainRoot = (round: number) => `${config.lakeRoot}/plain-${round}`;

/** The lake's three jobs, as a user runs them: one CLI process each. */
async function runLake(round: number): Promise<void> {
  const env = { LAKE_ROOT: lakeRoot(round), LAKE_INPUT: config.inputDir, LAKE_KAFKA_TOPIC: config.kafkaTopic };
  for (const layer of layers) lakeTimes[layer].push(await timed(process.execPath, [path.join(repoRoot, 'bin', 'lake.mjs'), 'job', layer], env));
}

/** The three scripts, each a fresh spark-submit. */
async function runPlain(round: number): Promise<void> {
  const script = (layer: string) => path.join(repoRoot, 'bench', 'plain-pyspark', `${layer}.py`);
  const common = ['--master', 'local[*]', '--driver-memory', '2g', '--conf', 'spark.sql.session.timeZone=UTC'];
  const args: Record<(typeof layers)[number], string[]> = {
    bronze: ['--jars', stackJars(/^(spark-sql-kafka|spark-token-provider-kafka|kafka-clients|commons-pool2)/), script('bronze'), config.inputDir, plainRoot(round), config.kafkaBrokers.join(','), config.kafkaTopic],
    silver: [script('silver'), plainRoot(round)],
    gold: [script('gold'), plainRoot(round)],
  };
  for (const layer of layers) plainTimes[layer].push(await timedSubmit([...common, ...args[layer]]));
}

/** Rows of each silver table on both sides of the last round. */
async function silverRows(): Promise<string[]> {
  const session = await SparkSession.connect(config.sparkRemote);
  try {
    const count = async (from: string) => Number((await session.query(`SELECT count(*) AS n FROM ${from}`).collect<{ n: bigint }>())[0]!.n);
    const lines = ['| silver table | lake: rows / quarantined | scripts: rows / rejected |', '| --- | ---: | ---: |'];
    for (const table of silverTables) {
      const lakeSide = `${lakeRoot(rounds)}/silver/${table}`;
      const plainSide = `${plainRoot(rounds)}/silver/${table}`;
      const [lakeRows, lakeQuarantined, plainRows, plainRejected] = await Promise.all([
        count(`delta.\`${lakeSide}\``),
        count(`delta.\`${lakeSide}_quarantine\``),
        count(`parquet.\`${plainSide}\``),
        count(`parquet.\`${plainSide}_quarantine\``),
      ]);
      lines.push(`| ${table} | ${lakeRows.toLocaleString('en')} / ${lakeQuarantined.toLocaleString('en')} | ${plainRows.toLocaleString('en')} / ${plainRejected.toLocaleString('en')} |`);
    }
    return lines;
  } finally {
    await session.close();
  }
}

try {
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? [runLake, runPlain] : [runPlain, runLake];
    for (const run of order) {
      process.stderr.write(`round ${round}: ${run === runLake ? 'lake job bronze, silver, gold' : 'spark-submit bronze.py, silver.py, gold.py'}…\n`);
      await run(round);
    }
  }
  const total = (times: Times) => times.bronze.map((_, index) => layers.reduce((sum, layer) => sum + times[layer][index]!, 0));
  const row = (name: string, lakeSide: number[], plainSide: number[]) =>
    `| ${name} | ${median(lakeSide).toFixed(1)} s (${spread(lakeSide)}) | ${median(plainSide).toFixed(1)} s (${spread(plainSide)}) | ${(median(lakeSide) / median(plainSide)).toFixed(2)}× |`;
  const records = lake.records * 4;
  process.stdout.write(
    [
      `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; scale ${scale} (${records.toLocaleString('en')} records); ${rounds} rounds taking turns; ${new Date().toISOString()}.`,
      '',
      `| first day, cold processes | lake (median, spread) | PySpark ${pysparkVersion} scripts (median, spread) | lake / scripts |`,
      '| --- | ---: | ---: | ---: |',
      ...layers.map((layer) => row(layer, lakeTimes[layer], plainTimes[layer])),
      row('**whole pipeline**', total(lakeTimes), total(plainTimes)),
      '',
      ...(await silverRows()),
      '',
    ].join('\n'),
  );
} finally {
  await lake.destroy();
}
