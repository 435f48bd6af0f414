// What the Kafka consumer's `fetch.max.wait.ms` costs a landing that reads up to the log's end, as
// `job:bronze` does after the producer stopped and the stream does between bursts: each of Spark's
// tasks then waits for a fetch the broker holds until new records come or the wait runs out.
// Both of the lake's Kafka reads, side by side and taking turns, each with Kafka's default (500 ms)
// and with the lake's (jobs/bronze/kafka-source.ts): job:bronze's batch read (a count of the pinned
// range) and the stream's landing (an available-now query into a Delta table, timed from its start
// to its end). `events` are produced into a topic of their own first; each landing starts a
// checkpoint of its own, so every one reads the whole topic. Prints the median and spread.
//
//   npm run bench:kafka-fetch-wait -- [events, default 3000] [repeats, default 5]
import { loadConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { createKafka } from '../control/kafka/client.js';
import { produceAdEvents } from '../control/kafka/produce-ad-events.js';
import { parseWholeNumber } from '../control/kafka/produce-options.js';
import { SparkSession } from '@lake/spark-connect';
import { kafkaReadOptions } from '../jobs/bronze/kafka-source.js';
import { median, spread } from './stats.js';

const events = parseWholeNumber(process.argv[2] ?? '3000', 'events');
const repeats = parseWholeNumber(process.argv[3] ?? '5', 'repeats');

const topic = `bench-fetch-wait-${Date.now()}`;
const config = { ...loadConfig(), kafkaTopic: topic };
const hdfs = new WebHdfs(config.webHdfs);
const root = `hdfs://127.0.0.1:8020/lake-bench-fetch-wait-${Date.now()}`;

const lakeOptions = kafkaReadOptions(config);
const settings = {
  "Kafka's default (500 ms)": { ...lakeOptions, 'kafka.fetch.max.wait.ms': '500' },
  "the lake's": lakeOptions,
};
type Setting = keyof typeof settings;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const summary = (ms: number[]) => `${seconds(median(ms))} (${spread(ms.map((one) => one / 1000), 2)})`;

const session = await SparkSession.connect(config.sparkRemote);

async function batchRead(setting: Setting): Promise<number> {
  const started = performance.now();
  const rows = await session.read.format('kafka').options(settings[setting]).option('subscribe', topic).option('startingOffsets', 'earliest').option('endingOffsets', 'latest').load().count();
  if (Number(rows) !== events) throw new Error(`the batch read found ${rows} events, not ${events}`);
  return performance.now() - started;
}

async function landing(setting: Setting, n: number): Promise<number> {
  const at = `${root}/${Object.keys(settings).indexOf(setting)}-${n}`;
  const started = performance.now();
  const query = await session.readStream
    .format('kafka')
    .options(settings[setting])
    .option('subscribe', topic)
    .option('startingOffsets', 'earliest')
    .load()
    .writeStream.format('delta')
    .outputMode('append')
    .checkpointLocation(`${at}/_checkpoint`)
    .trigger({ availableNow: true })
    .start(`${at}/table`);
  await query.awaitTermination();
  const elapsed = performance.now() - started;
  const landed = (await query.recentProgress()).reduce((sum, progress) => sum + Number(progress.numInputRows), 0);
  if (landed !== events) throw new Error(`the landing found ${landed} events, not ${events}`);
  return elapsed;
}

try {
  const produced = await produceAdEvents(config, { count: events, partitions: 3, dirtyRate: 0, seed: 1 });
  if (produced.acknowledged !== events) throw new Error(`Kafka acknowledged ${produced.acknowledged} of ${events} events`);
  process.stdout.write(`${events} events in 3 partitions, the topic quiet; ${repeats} reads each, taking turns, ${new Date().toISOString().slice(0, 16)} UTC\n\n`);
  const times = new Map(Object.keys(settings).map((setting) => [setting as Setting, { batch: [] as number[], landing: [] as number[] }]));
  for (let n = 0; n < repeats; n++) {
    for (const [setting, measured] of times) {
      measured.batch.push(await batchRead(setting));
      measured.landing.push(await landing(setting, n));
    }
  }
  process.stdout.write("| fetch.max.wait.ms | job:bronze's batch read: median (min–max) | the stream's landing (available-now, into Delta) |\n| --- | ---: | ---: |\n");
  for (const [setting, { batch, landing }] of times) process.stdout.write(`| ${setting} | ${summary(batch)} | ${summary(landing)} |\n`);
  const [slow, fast] = [...times.values()] as [{ batch: number[]; landing: number[] }, { batch: number[]; landing: number[] }];
  process.stdout.write(`\ndefault / the lake's: batch read ${(median(slow.batch) / median(fast.batch)).toFixed(1)}×, landing ${(median(slow.landing) / median(fast.landing)).toFixed(1)}×\n`);
} finally {
  await session.close();
  await hdfs.delete(hdfsPath(root), true);
  const admin = createKafka(config, 'lake-bench').admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
