// Structured Streaming through the lake's Spark Connect client, on the real server: Kafka into a
// Delta table exactly once across restarts (the checkpoint), a running query's status, progress
// and stop, the session's query list, and a failing query's error.
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { SparkError, SparkSession, type StreamingQuery, expr } from '@lake/spark-connect';

const config = loadConfig();
const kafka = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING });
const topic = `lake-stream-test-${randomUUID()}`;
const testRoot = `${config.lakeRoot}/_test/streaming-${randomUUID()}`;
const started: StreamingQuery[] = [];
let spark: SparkSession;

async function send(count: number, from: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 5}`, value: JSON.stringify({ n: from + i }) })) });
  await producer.disconnect();
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  spark = await SparkSession.connect(config.sparkRemote);
});

afterAll(async () => {
  for (const query of started) await query.stop().catch(() => undefined);
  await spark?.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await new WebHdfs(config.webHdfs).delete(hdfsPath(testRoot), true);
});

describe('streaming over Spark Connect', () => {
  it('lands a Kafka topic in a Delta table exactly once, resuming from its checkpoint', async () => {
    const table = `${testRoot}/events`;
    const checkpoint = `${testRoot}/_checkpoints/events`;
    const land = () =>
      spark.readStream
        .format('kafka')
        .option('kafka.bootstrap.servers', config.kafkaBrokers.join(','))
        .option('subscribe', topic)
        .option('startingOffsets', 'earliest')
        .load()
        .select('partition', 'offset', expr("CAST(value AS STRING) AS value"))
        .writeStream.format('delta')
        .outputMode('append')
        .trigger({ availableNow: true })
        .checkpointLocation(checkpoint)
        .start(table);
    const landed = async () => (await spark.sql(`SELECT count(*) AS n, count(DISTINCT partition, offset) AS distinct_n, sum(get_json_object(value, '$.n')) AS total FROM delta.\`${table}\``)).collect<{ n: bigint; distinct_n: bigint; total: number }>();

    await send(500, 0);
    const first = await land();
    started.push(first);
    expect(await first.awaitTermination(120_000)).toBe(true);
    expect(await first.exception()).toBeUndefined();
    const progress = await first.recentProgress();
    expect(progress.reduce((sum, p) => sum + p.numInputRows, 0)).toBe(500);
    expect(progress.at(-1)).toMatchObject({ id: first.id, runId: first.runId });
    // n = 0..499: their sum is the generator's truth, independent of Spark.
    expect(await landed()).toEqual([{ n: 500n, distinct_n: 500n, total: (499 * 500) / 2 }]);

    await send(200, 500);
    const second = await land();
    started.push(second);
    expect(await second.awaitTermination(120_000)).toBe(true);
    // The same query (its id lives in the checkpoint), a new run, and only the new records.
    expect(second.id).toBe(first.id);
    expect(second.runId).not.toBe(first.runId);
    expect((await second.recentProgress()).reduce((sum, p) => sum + p.numInputRows, 0)).toBe(200);
    expect(await landed()).toEqual([{ n: 700n, distinct_n: 700n, total: (699 * 700) / 2 }]);
  });

  it('runs a query on a processing-time trigger: listed, reporting progress, stopped on demand', async () => {
    const name = `rate_${randomUUID().replaceAll('-', '')}`;
    const query = await spark.readStream
      .format('rate')
      .option('rowsPerSecond', 100)
      .load()
      .writeStream.format('memory')
      .queryName(name)
      .outputMode('append')
      .trigger({ processingTime: '500 milliseconds' })
      .start();
    started.push(query);
    expect(query.name).toBe(name);

    expect((await spark.streams.active()).map((q) => [q.id, q.runId])).toContainEqual([query.id, query.runId]);
    const found = await spark.streams.get(query.id);
    expect([found?.id, found?.runId, found?.name]).toEqual([query.id, query.runId, name]);
    expect(await spark.streams.get(randomUUID())).toBeUndefined();
    expect((await query.status()).isActive).toBe(true);

    const progress = await waitUntil(async () => {
      const last = await query.lastProgress();
      return last && last.numInputRows > 0 ? last : undefined;
    }, 'a trigger with rows');
    expect(progress).toMatchObject({ id: query.id, runId: query.runId, name });
    expect(progress.sources[0]?.description).toMatch(/RateStream/);
    expect(progress.durationMs.triggerExecution).toBeGreaterThanOrEqual(0);
    expect(await query.explain()).toMatch(/MicroBatchScan|StreamingDataSourceV2|RateStream/);
    expect(await query.awaitTermination(200)).toBe(false);

    await query.stop();
    expect((await query.status()).isActive).toBe(false);
    expect(await query.awaitTermination(1_000)).toBe(true);
    expect((await spark.streams.active()).map((q) => q.id)).not.toContain(query.id);
    const [{ n } = { n: 0n }] = await (await spark.sql(`SELECT count(*) AS n FROM ${name}`)).collect<{ n: bigint }>();
    expect(n).toBeGreaterThan(0n);
  });

  it('reports a failing query: awaitTermination rejects with its error, exception() says it', async () => {
    const query = await spark.readStream
      .format('rate')
      .option('rowsPerSecond', 10)
      .load()
      .select(expr("raise_error(concat('bad event ', CAST(value AS STRING))) AS failure"))
      .writeStream.format('noop')
      .start();
    started.push(query);
    const error = await query.awaitTermination(60_000).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SparkError);
    expect((error as Error).message).toContain('bad event');
    const failure = await query.exception();
    expect(failure?.message).toContain('bad event');
    expect((await query.status()).isActive).toBe(false);
  });
});
