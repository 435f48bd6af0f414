// Bronze on generated data: `lake generate --scale xs` and `lake produce`, then bronze twice.
// The landed files must be the generated ones (by SHA-256), the landed ad events exactly the
// acknowledged ones, and the second run must land nothing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { createKafka } from '../../control/kafka/client.js';
import { produceAdEvents, type ProduceAdEventsReport } from '../../control/kafka/produce-ad-events.js';
import { generateSample, expectedFilePath, type ExpectedFiles } from '../../control/sample/index.js';
import { SparkSession, col, distinctFn, fn } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';

const id = randomUUID().slice(0, 8);
let input: string;
const config = () => loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-generated-${id}`, LAKE_INPUT: input, LAKE_KAFKA_TOPIC: `generated-test-${id}` });

describe('bronze on generated data', () => {
  let expected: ExpectedFiles;
  let produced: ProduceAdEventsReport;

  beforeAll(async () => {
    input = await mkdtemp(path.join(os.tmpdir(), 'lake-generated-'));
    await generateSample({ outDir: input, scale: 'xs', seed: 42, dirtyRate: 0.02, force: false });
    expected = JSON.parse(await readFile(path.join(input, expectedFilePath), 'utf8')) as ExpectedFiles;
    produced = await produceAdEvents(config(), { count: 1500, partitions: 3, dirtyRate: 0.02, seed: 42 });
  });

  afterAll(async () => {
    await new WebHdfs(config().webHdfs).delete(hdfsPath(config().lakeRoot), true);
    await rm(input, { recursive: true, force: true });
    const admin = createKafka(config()).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [config().kafkaTopic] });
    await admin.disconnect();
  });

  it('lands every generated file (same SHA-256) and every acknowledged event, then nothing on a second run', async () => {
    const first = await runBronze(config());
    expect(first.outcome).toBe('succeeded');
    for (const table of ['transactions', 'server_logs', 'social_posts'] as const) {
      const source = expected.sources[table];
      const landed = first.files?.[table]?.landed ?? [];
      expect(landed.map((f) => `${source.folder}/${f.path}`).sort()).toEqual(source.files.map((f) => f.path).sort());
      for (const file of source.files) {
        expect(landed.find((f) => `${source.folder}/${f.path}` === file.path)).toMatchObject({ sha256: file.sha256, size: file.bytes });
      }
    }
    expect(produced.expected.exact).toBe(true);
    expect(first.kafka?.records).toBe(produced.expected.bronze_records);

    const second = await runBronze(config());
    expect(second.outcome).toBe('nothing new');

    // In Spark: one row per acknowledged record, no (partition, offset) twice.
    const session = await SparkSession.connect(config().sparkRemote);
    try {
      const [row] = await session.read
        .format('delta')
        .load(`${config().lakeRoot}/bronze/ad_events`)
        .agg(fn('count', col('offset')).as('records'), distinctFn('count', col('partition'), col('offset')).as('distinct_offsets'))
        .collect<{ records: bigint; distinct_offsets: bigint }>();
      expect(row).toEqual({ records: BigInt(produced.expected.bronze_records), distinct_offsets: BigInt(produced.expected.bronze_records) });
    } finally {
      await session.close();
    }
  });
});
