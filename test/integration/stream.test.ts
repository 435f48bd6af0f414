// `lake stream` against the real stack: Kafka → Delta bronze → silver → gold by Structured
// Streaming and the lake's incremental runs, with every expectation from the producer's own tally
// of what Kafka acknowledged (its expected file), never from the lake's code. Batch and stream
// take turns on one topic and no event lands twice; a stream started after a `job:bronze` replaces
// its stale checkpoint; a running stream keeps the topic to itself, and stops cleanly on its signal.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { createKafka } from '../../control/kafka/client.js';
import type { ExpectedAdEvents } from '../../control/kafka/expected.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import { LakeError } from '../../control/errors.js';
import { LockHeldError } from '../../control/runs/lock.js';
import { RunStore } from '../../control/runs/manifest.js';
import { LayerPointer } from '../../control/runs/published.js';
import { heldBatches } from '../../control/runs/silver-batches.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { readStreamStatus, runStream, type StreamCycle, type StreamReport } from '../../jobs/stream.js';
import { expectLakeHoldsWhatWasProduced, type AdEventTally } from './support/ad-event-truth.js';
import { LakeFixture } from './support/lake-fixture.js';

let lake: LakeFixture;
let session: SparkSession;
/** The producer's expected files of every run so far, and hand-written cases: together, what the lake must hold. */
const produced: AdEventTally[] = [];

async function produce(count: number, seed: number): Promise<ExpectedAdEvents> {
  const report = await produceAdEvents(lake.config, { count, partitions: 3, dirtyRate: 0.05, seed });
  expect(report.expected.exact).toBe(true);
  produced.push(report.expected);
  return report.expected;
}

const expectLakeEqualsProducers = () => expectLakeHoldsWhatWasProduced(lake.config, produced, session);

async function waitUntil(probe: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs a bronze batch, again while the stream briefly holds the bronze lock to record an epoch. */
async function bronzeBeside(options: Parameters<typeof runBronze>[1]) {
  for (;;) {
    try {
      return await runBronze(lake.config, options);
    } catch (error) {
      if (!(error instanceof LockHeldError) || !error.message.startsWith('another bronze run')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

describe('lake stream', () => {
  beforeAll(async () => {
    // The file inputs are generated but not landed until a test runs job:bronze.
    lake = await LakeFixture.create({ name: 'stream', events: 3000, seed: 21 });
    produced.push(lake.produced.expected);
    session = await SparkSession.connect(lake.config.sparkRemote);
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lake?.destroy();
  });

  it('--until-idle lands the topic, garbage included, cleans it and publishes gold equal to the producer\'s tally', async () => {
    // Garbage among the events: the landing query keeps the bytes, silver quarantines each with its reason.
    const producer = createKafka(lake.config, 'stream-test').producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    await producer.send({
      topic: lake.config.kafkaTopic,
      messages: [
        { key: 'g1', value: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3]) }, // not UTF-8
        { key: 'g2', value: Buffer.from('not json at all') },
        { key: 'g3', value: null }, // a tombstone
        { key: 'g4', value: Buffer.from('{"event_id":"garbage-4","campaign_id":"c","event_type":"click","ts":{"at":1}}') },
        { key: 'g5', value: Buffer.from('{"event_id":"garbage-5","campaign_id":"c","event_type":"click","ts":"2026-01-01T00:00:00Z","cost":"free"}') },
      ],
    });
    await producer.disconnect();
    produced.push({ bronze_records: 5, silver_rows: 0, quarantine: { malformed_json: 3, 'bad_timestamp:ts': 1, 'bad_decimal:cost': 1 }, gold: { campaign_metrics: [] } });

    const lines: string[] = [];
    const report = await runStream(lake.config, { untilIdle: true, log: (line) => lines.push(line) });
    expect(report.ended).toBe('idle');
    expect(report.landed).toBe(lake.produced.expected.bronze_records + 5);
    await expectLakeEqualsProducers();

    const status = await readStreamStatus(lake.config);
    expect(status.running).toBe(false);
    expect(status.status).toMatchObject({ queryId: report.queryId, landed: report.landed, ended: { how: 'idle' } });
    // Nothing new: a second run lands nothing, and neither layer publishes again.
    const gold = await new LayerPointer(new WebHdfs(lake.config.webHdfs), hdfsPath(lake.config.lakeRoot), 'gold').current();
    expect((await runStream(lake.config, { untilIdle: true })).landed).toBe(0);
    expect(await new LayerPointer(new WebHdfs(lake.config.webHdfs), hdfsPath(lake.config.lakeRoot), 'gold').current()).toEqual(gold);
  });

  it('job:bronze then lands only what the stream has not, and a later stream replaces its stale checkpoint', async () => {
    const second = await produce(1000, 22);
    const bronze = await runBronze(lake.config);
    expect(bronze.kafka?.records).toBe(second.bronze_records);
    expect(Object.keys(bronze.files ?? {})).not.toHaveLength(0);
    await runSilver(lake.config);
    await runGold(lake.config);
    await expectLakeEqualsProducers();

    const third = await produce(500, 23);
    const lines: string[] = [];
    const report = await runStream(lake.config, { untilIdle: true, log: (line) => lines.push(line) });
    expect(lines.join('\n')).toContain('the landing checkpoint is behind the lake\'s record');
    expect(report.landed).toBe(third.bronze_records);
    await expectLakeEqualsProducers();
  });

  it('while it runs, owns the topic: job:bronze lands the files only; the signal stops it cleanly', async () => {
    const controller = new AbortController();
    const cycles: StreamCycle[] = [];
    const started: string[] = [];
    const running = runStream(lake.config, { triggerMs: 1000, signal: controller.signal, log: (line) => started.push(line), onCycle: (cycle) => cycles.push(cycle) });
    try {
      // The lake is up to date: the first landing finds nothing, and says nothing but that it started.
      await waitUntil(() => started.some((line) => line.startsWith('landing ')), 'the stream to start landing').catch(async (error: unknown) => {
        // A stream that failed to start says why, rather than the wait's time-out.
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 1000))]);
        throw error;
      });
      const fourth = await produce(800, 24);
      const landed = () => cycles.reduce((sum, cycle) => sum + (cycle.bronze?.kafka?.records ?? 0), 0);
      await waitUntil(() => landed() >= fourth.bronze_records && cycles.at(-1)?.gold !== undefined, 'the fourth batch in gold');
      expect(cycles.findLast((cycle) => cycle.gold)?.newestEventAgeMs).toBeGreaterThan(0);
      // The landings after the first say the rate their events arrived at (Spark's own input rate is
      // 0/s for a query's first trigger, and every landing is a query of its own).
      const landings = cycles.filter((cycle) => (cycle.bronze?.kafka?.records ?? 0) > 0);
      expect(landings).not.toHaveLength(0);
      for (const cycle of landings) expect(cycle.inputRowsPerSecond).toBeGreaterThan(0);

      // The stream has the topic: a batch of ad events only is refused, a whole batch lands files.
      await expect(bronzeBeside({ tables: ['ad_events'] })).rejects.toThrow(/lake stream .* lands the ad events/);
      await mkdir(path.join(lake.config.inputDir, 'transactions', 'zz-during-stream'), { recursive: true });
      await writeFile(path.join(lake.config.inputDir, 'transactions', 'zz-during-stream', 'ventes.csv'), 'transaction_id,client_id,produit,quantite,prix,date_transaction\nS-1,c1,Produit Flux,1,3.00,2026-12-03\n');
      const lines: string[] = [];
      const files = await bronzeBeside({ log: (line) => lines.push(line) });
      expect(files.kafka).toBeUndefined();
      expect(files.files?.transactions?.landed).toHaveLength(1);
      expect(lines.join('\n')).toMatch(/ad events: lake stream .* lands them; this run lands the files/);
      expect((await readStreamStatus(lake.config)).running).toBe(true);
    } finally {
      controller.abort();
    }
    const report = await running;
    expect(report.ended).toBe('stopped');
    await expectLakeEqualsProducers();
    const status = await readStreamStatus(lake.config);
    expect(status.running).toBe(false);
    expect(status.status?.ended?.how).toBe('stopped');
    // No run is left behind: every bronze batch is in silver.
    const runs = await new RunStore(new WebHdfs(lake.config.webHdfs), hdfsPath(lake.config.lakeRoot)).list();
    const silver = await new LayerPointer(new WebHdfs(lake.config.webHdfs), hdfsPath(lake.config.lakeRoot), 'silver').current();
    const bronzeRuns = runs.filter((run) => run.layer === 'bronze' && run.outcome === 'succeeded');
    expect(new Set(heldBatches(runs, silver))).toEqual(new Set(bronzeRuns.map((run) => run.runId)));
  });

  it('starts no landing query while the topic is idle, and lands the events that come after', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    let landed = 0;
    const running = runStream(lake.config, { triggerMs: 250, signal: controller.signal, log: (line) => lines.push(line), onCycle: (cycle) => (landed += cycle.bronze?.kafka?.records ?? 0) });
    let report: StreamReport;
    try {
      // The lake holds every event: the first landing finds nothing, and the stream says it waits.
      await waitUntil(() => lines.some((line) => line.startsWith(`no new events in ${lake.config.kafkaTopic}: `)), 'the stream to find the topic idle');
      // Idle for ten seconds: a landing every 250 ms at the earliest would have started several queries.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const sixth = await produce(300, 26);
      await waitUntil(() => landed >= sixth.bronze_records, 'the events sent after the idle spell');
    } finally {
      controller.abort();
      report = await running;
    }
    // The first landing (nothing), one or two for the new events (they may come in two looks), and
    // the one after that, which finds nothing and waits again.
    expect(report.landings).toBeGreaterThanOrEqual(2);
    expect(report.landings).toBeLessThanOrEqual(4);
    expect(report.landed).toBe(landed);
    await expectLakeEqualsProducers();
  });

  it('stops with a message naming the topic when the topic is deleted under it; what it landed stays', async () => {
    const fifth = await produce(600, 25);
    const controller = new AbortController();
    let landed = 0;
    const running = runStream(lake.config, { triggerMs: 1000, signal: controller.signal, onCycle: (cycle) => (landed += cycle.bronze?.kafka?.records ?? 0) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    try {
      await waitUntil(() => landed >= fifth.bronze_records, 'the fifth batch landed');
      const admin = createKafka(lake.config, 'stream-test').admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [lake.config.kafkaTopic] });
      await admin.disconnect();
      const failure = await Promise.race([running, new Promise((resolve) => setTimeout(() => resolve('still running after 120 s'), 120_000))]);
      expect(failure).toBeInstanceOf(LakeError);
      expect((failure as LakeError).message).toBe(`the topic ${lake.config.kafkaTopic} is gone from Kafka (deleted while the stream landed it?)`);
      expect((failure as LakeError).hint).toMatch(/landed before is recorded and published, and stays/);
    } finally {
      controller.abort();
      await running;
    }
    await expectLakeEqualsProducers();
    expect((await readStreamStatus(lake.config)).status?.ended?.how).toBe('failed');
  });
});
