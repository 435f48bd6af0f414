// Benchmark: the lake's first day against the way the original PySpark scripts work, on the same
// generated inputs, HDFS and Kafka topic. The lake: `lake job bronze`, `silver`, `gold`, three
// cold CLI processes on the embedded Spark Connect server, into an empty lake. The scripts: three
// cold `spark-submit --master local[*]` processes (bench/plain-pyspark/: Spark's own readers,
// DataFrame cleaning, Parquet out; what they leave out is listed in silver.py), once as users run
// them (Spark's defaults, a driver heap of the lake executor's 2 GiB) and once tuned like the
// lake's stack (4 GiB, the parallel collector, 8 shuffle partitions, no UI). All on the same two
// cores, taking turns (who goes first rotates), each run into new folders. Ratio = lake / scripts,
// per round, then the median and spread of the rounds' ratios.
//
// After the runs, the silver rows of each source on every side, read back through Spark, against
// the generator's truth, show how close the cleanings come (silver.py says where they differ).
//
//   npm run bench:pyspark -- [scale, default s] [rounds, default 3]
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SparkSession } from '@lake/spark-connect';
import { repoRoot } from '../control/config.js';
import type { ExpectedAdEvents } from '../control/kafka/expected.js';
import type { ExpectedFiles } from '../control/sample/expected.js';
import { silverTables, type SilverTable } from '../jobs/catalog.js';
import { createBenchLake, parseScale } from './bench-lake.js';
import { ensurePyspark, pysparkVersion, stackJars, timed, timedSubmit } from './spark-submit.js';
import { median, spread } from './stats.js';

const scale = parseScale(process.argv[2]);
const rounds = Number(process.argv[3] ?? 3);
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`rounds must be a positive integer, not ${process.argv[3]}`);
const layers = ['bronze', 'silver', 'gold'] as const;
type Layer = (typeof layers)[number];

interface Contender {
  name: string;
  /** Runs the three layers into a new root; returns each layer's seconds. */
  run(root: string): Promise<Record<Layer, number>>;
  /** Reads a silver table it wrote (rows) or its rejects (`_quarantine`). */
  format: 'delta' | 'parquet';
  times: Record<Layer, number>[];
  roots: string[];
}

ensurePyspark();
const lake = await createBenchLake(scale);
const { config } = lake;

async function eachLayer(run: (layer: Layer) => Promise<number>): Promise<Record<Layer, number>> {
  const times = {} as Record<Layer, number>;
  for (const layer of layers) times[layer] = await run(layer);
  return times;
}

/** The lake's three jobs, as a user runs them: one CLI process each. */
const lakeJobs = (root: string) =>
  eachLayer((layer) =>
    timed(process.execPath, [path.join(repoRoot, 'bin', 'lake.mjs'), 'job', layer], { LAKE_ROOT: root, LAKE_INPUT: config.inputDir, LAKE_KAFKA_TOPIC: config.kafkaTopic }),
  );

/** The three scripts, each a fresh spark-submit with these settings; bronze's with Spark's Kafka connector. */
const kafkaJars = stackJars(/^(spark-sql-kafka|spark-token-provider-kafka|kafka-clients|commons-pool2)/);
const scripts = (settings: string[]) => (root: string) =>
  eachLayer((layer) => {
    const script = path.join(repoRoot, 'bench', 'plain-pyspark', `${layer}.py`);
    const args = layer === 'bronze' ? ['--jars', kafkaJars, script, config.inputDir, root, config.kafkaBrokers.join(','), config.kafkaTopic] : [script, root];
    return timedSubmit(['--master', 'local[*]', '--conf', 'spark.sql.session.timeZone=UTC', ...settings, ...args]);
  });

const contender = (name: string, format: Contender['format'], run: Contender['run']): Contender => ({ name, format, run, times: [], roots: [] });
const contenders = [
  contender('lake', 'delta', lakeJobs),
  contender(`PySpark ${pysparkVersion} scripts, defaults`, 'parquet', scripts(['--driver-memory', '2g'])),
  contender(
    'the scripts tuned like the lake',
    'parquet',
    scripts(['--driver-memory', '4g', '--conf', 'spark.driver.extraJavaOptions=-XX:+UseParallelGC', '--conf', 'spark.sql.shuffle.partitions=8', '--conf', 'spark.ui.enabled=false']),
  ),
];

/** Silver rows and quarantined (or rejected) rows per table: the generator's, then each contender's last run's. */
async function silverCounts(): Promise<string[]> {
  const expectedFolder = path.join(config.inputDir, '_expected');
  const files = JSON.parse(await readFile(path.join(expectedFolder, 'files.json'), 'utf8')) as ExpectedFiles;
  const eventsFile = (await readdir(expectedFolder)).find((name) => name.startsWith('ad-events-'));
  const events = JSON.parse(await readFile(path.join(expectedFolder, eventsFile!), 'utf8')) as ExpectedAdEvents;
  const truth = (table: SilverTable) => (table === 'ad_events' ? events : files.sources[table]);
  const session = await SparkSession.connect(config.sparkRemote);
  try {
    const count = async (from: string) => Number((await session.query(`SELECT count(*) AS n FROM ${from}`).collect<{ n: bigint }>())[0]!.n);
    const pair = (rows: number, rejected: number) => `${rows.toLocaleString('en')} / ${rejected.toLocaleString('en')}`;
    const lines = [
      `| silver table: rows / quarantined | generator's truth | ${contenders.map(({ name }) => name).join(' | ')} |`,
      `| --- | ---: | ${contenders.map(() => '---:').join(' | ')} |`,
    ];
    for (const table of silverTables) {
      const cells = [pair(truth(table).silver_rows, truth(table).quarantined)];
      for (const { format, roots } of contenders) {
        const folder = `${roots.at(-1)}/silver/${table}`;
        cells.push(pair(await count(`${format}.\`${folder}\``), await count(`${format}.\`${folder}_quarantine\``)));
      }
      lines.push(`| ${table} | ${cells.join(' | ')} |`);
    }
    return lines;
  } finally {
    await session.close();
  }
}

try {
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % contenders.length;
    for (const entry of [...contenders.slice(shift), ...contenders.slice(0, shift)]) {
      const root = `${config.lakeRoot}/run-${contenders.indexOf(entry)}-${round}`;
      process.stderr.write(`round ${round}: ${entry.name}…\n`);
      entry.times.push(await entry.run(root));
      entry.roots.push(root);
    }
  }
  const total = (times: Record<Layer, number>) => layers.reduce((sum, layer) => sum + times[layer], 0);
  const [lakeSide, ...others] = contenders;
  const cell = (values: number[]) => `${median(values).toFixed(1)} s (${spread(values)})`;
  const ratio = (a: number[], b: number[]) => {
    const perRound = a.map((value, index) => value / b[index]!);
    return `${median(perRound).toFixed(2)}× (${spread(perRound, 2, '')})`;
  };
  const row = (name: string, pick: (times: Record<Layer, number>) => number) => {
    const series = contenders.map(({ times }) => times.map(pick));
    return `| ${name} | ${series.map(cell).join(' | ')} | ${series.slice(1).map((other) => ratio(series[0]!, other)).join(' | ')} |`;
  };
  process.stdout.write(
    [
      `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; scale ${scale} (${(lake.records * 4).toLocaleString('en')} records); ${rounds} rounds taking turns; ${new Date().toISOString()}.`,
      '',
      `| first day, cold processes: median (spread) | ${contenders.map(({ name }) => name).join(' | ')} | ${others.map(({ name }) => `${lakeSide!.name} / ${name}, per round`).join(' | ')} |`,
      `| --- | ${contenders.map(() => '---:').join(' | ')} | ${others.map(() => '---:').join(' | ')} |`,
      ...layers.map((layer) => row(layer, (times) => times[layer])),
      row('**whole pipeline**', total),
      '',
      ...(await silverCounts()),
      '',
    ].join('\n'),
  );
} finally {
  await lake.destroy();
}
