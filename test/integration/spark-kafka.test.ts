// Spark reads a Kafka topic in batch, between pinned offsets naming every partition: the way the
// bronze layer lands the ad stream. The topic is filled here with kafkajs.
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { SparkSession } from '@lake/spark-connect';

const config = loadConfig();
const kafka = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING });
const topic = `lake-test-${randomUUID()}`;
const messages = Array.from({ length: 300 }, (_, i) => ({
  key: `Campagne ${i % 7}`,
  // Values are bytes: bronze keeps them unchanged, valid JSON or not.
  value: i % 50 === 0 ? Buffer.from([0xff, 0x00, i % 256]) : Buffer.from(JSON.stringify({ event_id: `e${i}`, n: i })),
}));

describe('Spark batch read of Kafka', () => {
  let session: SparkSession;

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    await producer.send({ topic, messages });
    await producer.disconnect();
    session = await SparkSession.connect(config.sparkRemote);
  });

  afterAll(async () => {
    await session?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  async function offsetsNow(): Promise<Record<string, number>> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    return Object.fromEntries(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  function readBetween(starting: Record<string, number>, ending: Record<string, number>) {
    return session.read
      .format('kafka')
      .option('kafka.bootstrap.servers', config.kafkaBrokers.join(','))
      .option('subscribe', topic)
      .option('startingOffsets', JSON.stringify({ [topic]: starting }))
      .option('endingOffsets', JSON.stringify({ [topic]: ending }))
      .load();
  }

  it('reads every record between pinned offsets with key, value bytes, partition and offset', async () => {
    const end = await offsetsNow();
    expect(Object.keys(end).sort()).toEqual(['0', '1', '2']);
    const start = { 0: 0, 1: 0, 2: 0 };
    const rows = await readBetween(start, end).collect<{ key: Uint8Array; value: Uint8Array; partition: number; offset: bigint }>();

    expect(rows).toHaveLength(messages.length);
    const byKeyAndValue = (m: { key: string; value: Buffer }) => `${m.key}|${m.value.toString('hex')}`;
    expect(rows.map((r) => byKeyAndValue({ key: Buffer.from(r.key).toString(), value: Buffer.from(r.value) })).sort()).toEqual(
      messages.map(byKeyAndValue).sort(),
    );
    // Every (partition, offset) once, and offsets dense from 0 within each partition.
    for (const [partition, high] of Object.entries(end)) {
      const offsets = rows.filter((r) => r.partition === Number(partition)).map((r) => Number(r.offset)).sort((a, b) => a - b);
      expect(offsets).toEqual(Array.from({ length: high }, (_, i) => i));
    }
  });

  it('reads only the records after the offsets already landed', async () => {
    const landed = await offsetsNow();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'Campagne X', value: '{"event_id":"late"}' }] });
    await producer.disconnect();

    const rows = await readBetween(landed, await offsetsNow()).collect<{ key: Uint8Array; value: Uint8Array }>();
    expect(rows.map((r) => Buffer.from(r.value).toString())).toEqual(['{"event_id":"late"}']);
  });
});
