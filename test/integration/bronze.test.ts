// Bronze against the real stack: files land byte for byte and once, Kafka records land once
// between committed offsets, and failures leave the lake as it was.
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { RunStore } from '../../control/runs/manifest.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { landKafka, planOffsets } from '../../jobs/bronze/kafka-source.js';

const id = randomUUID().slice(0, 8);
let input: string;
const config = () => loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-bronze-${id}`, LAKE_INPUT: input, LAKE_KAFKA_TOPIC: `bronze-test-${id}` });
const hdfs = new WebHdfs(loadConfig().webHdfs);
const kafka = new Kafka({ brokers: loadConfig().kafkaBrokers, logLevel: logLevel.NOTHING });

async function produce(count: number, offset = 0): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  await producer.send({
    topic: config().kafkaTopic,
    messages: Array.from({ length: count }, (_, i) => ({ key: `Campagne ${i % 4}`, value: JSON.stringify({ event_id: `e${offset + i}` }) })),
  });
  await producer.disconnect();
}

async function landedAdEvents(session: SparkSession): Promise<string[]> {
  const runs = await new RunStore(hdfs, hdfsPath(config().lakeRoot)).succeeded('bronze');
  const batches = runs.filter((run) => run.kafka?.records).map((run) => `'${run.runId}'`);
  const rows = await (
    await session.sql(`SELECT value FROM delta.\`${config().lakeRoot}/bronze/ad_events\` WHERE batch_id IN (${batches.join(', ')})`)
  ).collect<{ value: Uint8Array }>();
  return rows.map((row) => Buffer.from(row.value).toString());
}

describe('bronze', () => {
  let session: SparkSession;

  beforeAll(async () => {
    input = await mkdtemp(path.join(os.tmpdir(), 'lake-bronze-input-'));
    await mkdir(path.join(input, 'transactions'), { recursive: true });
    await mkdir(path.join(input, 'server_logs', '2026'), { recursive: true });
    await mkdir(path.join(input, 'social'), { recursive: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: config().kafkaTopic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    session = await SparkSession.connect(config().sparkRemote);
  });

  afterAll(async () => {
    await session?.close();
    await hdfs.delete(hdfsPath(config().lakeRoot), true);
    await rm(input, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [config().kafkaTopic] });
    await admin.disconnect();
  });

  it('lands every input file byte for byte and the ad events, and commits the offsets', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('transaction_id,produit\r\n"1","Produit, A"\r\n\r\n')]);
    await writeFile(path.join(input, 'transactions', 'a.csv'), csv);
    await writeFile(path.join(input, 'server_logs', '2026', 'access.log'), Buffer.from([0x31, 0xff, 0x0a]));
    await writeFile(path.join(input, 'social', 'posts.json'), '[{"post_id": 1}]');
    await writeFile(path.join(input, 'social', '.hidden.json'), 'not an input');
    await produce(60);

    const run = await runBronze(config());
    expect(run.outcome).toBe('succeeded');
    const root = hdfsPath(config().lakeRoot);
    const [landedCsv] = run.files?.transactions?.landed ?? [];
    expect(landedCsv).toMatchObject({ path: 'a.csv', size: csv.length, lines: 3, blankLines: 1 });
    expect((await hdfs.read(`${root}/${landedCsv?.landedAt}`))?.equals(csv)).toBe(true);
    expect(run.files?.server_logs?.landed.map((f) => f.landedAt)).toEqual([`bronze/server_logs/batch_id=${run.runId}/2026/access.log`]);
    expect(run.files?.social_posts?.landed.map((f) => f.path)).toEqual(['posts.json']);

    expect(run.kafka?.records).toBe(60);
    expect(Object.values(run.kafka?.committed ?? {}).reduce((a, b) => a + b, 0)).toBe(60);
    expect((await landedAdEvents(session)).sort()).toEqual(Array.from({ length: 60 }, (_, i) => JSON.stringify({ event_id: `e${i}` })).sort());
  });

  it('lands nothing when nothing is new, and knows a file by its content, not its name', async () => {
    await cp(path.join(input, 'transactions', 'a.csv'), path.join(input, 'transactions', 'renamed-copy.csv'));
    const run = await runBronze(config());
    expect(run.outcome).toBe('nothing new');
    expect(run.files?.transactions?.skipped.map((f) => f.path)).toEqual(['a.csv', 'renamed-copy.csv']);
    expect(run.kafka?.records).toBe(0);
  });

  it('knows an unchanged file by its stamp, and reads a file rewritten in place with its old size and time', async () => {
    const log = path.join(input, 'server_logs', '2026', 'access.log');
    // A stamp is recorded for a file left alone for two seconds (jobs/bronze/file-stamps.ts).
    await sleep(Math.max(0, (await stat(log)).ctimeMs + 2100 - Date.now()));
    const stamped = await runBronze(config());
    expect(stamped.outcome).toBe('nothing new');
    expect(stamped.files?.server_logs?.skipped).toMatchObject([{ path: '2026/access.log', stamp: { size: 3 } }]);

    const { atime, mtime } = await stat(log);
    await writeFile(log, '2\n\n');
    await utimes(log, atime, mtime);
    const next = await runBronze(config());
    expect(next.outcome).toBe('succeeded');
    const [landed] = next.files?.server_logs?.landed ?? [];
    expect(landed).toMatchObject({ path: '2026/access.log', size: 3, lines: 2, blankLines: 1 });
    expect((await hdfs.read(`${hdfsPath(config().lakeRoot)}/${landed?.landedAt}`))?.toString()).toBe('2\n\n');
  });

  it('after a crash between the Kafka write and the commit, the next run lands each record once', async () => {
    await produce(30, 60);
    const committed = (await new RunStore(hdfs, hdfsPath(config().lakeRoot)).succeeded('bronze')).findLast((r) => r.kafka)?.kafka?.committed ?? {};
    const plan = await planOffsets(config(), committed);
    // The crashed run: its batch is written, its manifest never was.
    const committedRuns = await new RunStore(hdfs, hdfsPath(config().lakeRoot)).succeeded('bronze');
    await landKafka(session, hdfs, config(), plan!, committed, '20260101T000000Z-dead00', committedRuns, {});

    const run = await runBronze(config());
    expect(run.kafka?.records).toBe(30);
    const [dead] = await (
      await session.sql(`SELECT count(*) AS n FROM delta.\`${config().lakeRoot}/bronze/ad_events\` WHERE batch_id = '20260101T000000Z-dead00'`)
    ).collect<{ n: bigint }>();
    expect(dead?.n).toBe(0n);
    const values = await landedAdEvents(session);
    expect(values).toHaveLength(90);
    expect(new Set(values).size).toBe(90);
  });

  it('refuses a second bronze run while one holds the lock', async () => {
    const root = hdfsPath(config().lakeRoot);
    await hdfs.write(`${root}/_locks/bronze`, JSON.stringify({ runId: 'other', host: 'elsewhere', pid: 1, since: '2026-01-01T00:00:00Z' }));
    await expect(runBronze(config())).rejects.toThrow(/another bronze run \(other, pid 1 on elsewhere/);
    await hdfs.delete(`${root}/_locks/bronze`);
  });

  it('fails clearly on a missing input folder, HDFS down or a dead broker, and keeps the lake as it was', async () => {
    const runsBefore = await new RunStore(hdfs, hdfsPath(config().lakeRoot)).list();
    await expect(runBronze({ ...config(), inputDir: '/nonexistent/input' })).rejects.toThrow(/the input folder \/nonexistent\/input does not exist/);

    await expect(runBronze({ ...config(), webHdfs: 'http://127.0.0.1:1' })).rejects.toThrow(/cannot reach WebHDFS at http:\/\/127\.0\.0\.1:1/);

    await writeFile(path.join(input, 'transactions', 'new.csv'), 'transaction_id\n9\n');
    const started = Date.now();
    await expect(runBronze({ ...config(), kafkaBrokers: ['127.0.0.1:1'] })).rejects.toThrow(/cannot reach Kafka at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);

    const store = new RunStore(hdfs, hdfsPath(config().lakeRoot));
    const runsAfter = await store.list();
    expect(runsAfter.filter((r) => r.outcome === 'succeeded')).toEqual(runsBefore.filter((r) => r.outcome === 'succeeded'));
    expect(runsAfter.at(-1)).toMatchObject({ outcome: 'failed', error: expect.stringContaining('cannot reach Kafka') });
    // The file that could not land then lands on the next good run.
    const next = await runBronze(config());
    expect(next.files?.transactions?.landed.map((f) => f.path)).toEqual(['new.csv']);
  });
});
