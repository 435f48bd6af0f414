// One run of the ad-event producer: connect, make sure the topic exists, send generated events with
// an idempotent producer, and write what the lake must compute from the acknowledged ones.
import { availableParallelism } from 'node:os';
import type { LakeConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { adEventGenerator, type AdEventRecord } from './ad-events.js';
import { connectOrExplain, createKafka } from './client.js';
import { type ExpectedAdEvents, ExpectedTally, expectedFilePath, writeExpected } from './expected.js';
import { type ProduceLoopResult, type ProduceProgress, type SettledBatch, produceLoop } from './producer.js';
import { type SenderPool, startSenderPool } from './sender-pool.js';
import type { Compression } from './sender-protocol.js';
import { ensureTopic } from './topics.js';
import { newRunId } from '../runs/run-id.js';

export interface ProduceAdEventsOptions {
  /** Events to produce; or give `ratePerSecond` and `durationMs`. */
  count?: number;
  /** A steady flow of this many events per second; without it, as fast as possible. */
  ratePerSecond?: number;
  durationMs?: number;
  /** Partitions of the topic if it has to be created. */
  partitions: number;
  /** Share of invalid or redelivered events, in [0, 1]. */
  dirtyRate: number;
  seed: number;
  /** The moment event times are placed around (epoch ms); with the seed, fixes every byte. Default: now. */
  nowMs?: number;
  /** Where to write the expected metrics; default `<LAKE_INPUT>/_expected/ad-events-<runId>.json`. */
  expectedFile?: string;
  batchSize?: number;
  /**
   * Producer threads sending side by side, each batch shared out between them by partition. Default:
   * one a core, at most one a partition; one for a steady flow (`ratePerSecond`), which needs no more.
   */
  senders?: number;
  /** How record batches are compressed: none (default, as the Java client's), or gzip. */
  compression?: Compression;
  /** -1 (default): idempotent producer, all in-sync replicas acknowledge; 1: leader only, not idempotent (for comparisons). */
  acks?: -1 | 1;
  /** Ctrl-C: stop generating, await what was sent. */
  signal?: AbortSignal;
  onProgress?: (progress: ProduceProgress) => void;
  onBatch?: (batch: SettledBatch<AdEventRecord>) => void;
  /** Notes for the user (a topic that already existed with another partition count). */
  log?: (line: string) => void;
}

export interface ProduceAdEventsReport extends ProduceLoopResult {
  runId: string;
  topic: string;
  topicCreated: boolean;
  seed: number;
  expected: ExpectedAdEvents;
  expectedFile: string;
}

/** Measured on the embedded broker: 2 500 gave ~20 % more events/s than 1 000; the requests stay far below 1 MB. */
export const defaultBatchSize = 2_500;

function plannedTotal(options: ProduceAdEventsOptions): number {
  if (options.count !== undefined) return options.count;
  if (options.ratePerSecond !== undefined && options.durationMs !== undefined) return Math.floor((options.ratePerSecond * options.durationMs) / 1000);
  throw new LakeError('nothing to produce', 'give --count N, or --rate R --duration D');
}

export async function produceAdEvents(config: LakeConfig, options: ProduceAdEventsOptions): Promise<ProduceAdEventsReport> {
  const total = plannedTotal(options);
  const topic = config.kafkaTopic;
  const acks = options.acks ?? -1;
  // The admin fails fast when no broker answers at the start (the producers ride out a broker that
  // restarts later: sender-worker.ts).
  const admin = createKafka(config, 'lake-produce').admin();
  await connectOrExplain(admin, config.kafkaBrokers);
  let pool: SenderPool | undefined;
  try {
    const { created, partitions } = await ensureTopic(admin, topic, options.partitions);
    if (!created && partitions.length !== options.partitions) {
      options.log?.(`topic ${topic} already exists with ${partitions.length} partitions; --partitions ${options.partitions} applies only when creating it`);
    }
    const paced = options.ratePerSecond !== undefined;
    const senders = options.senders ?? (paced ? 1 : Math.max(1, Math.min(availableParallelism(), partitions.length)));
    pool = await startSenderPool({
      brokers: config.kafkaBrokers,
      topic,
      partitions,
      acks,
      compression: options.compression ?? 'none',
      senders,
    });

    const startedAt = new Date();
    const runId = newRunId(startedAt);
    const nowMs = options.nowMs ?? startedAt.getTime();
    const next = adEventGenerator({
      seed: options.seed,
      dirtyRate: options.dirtyRate,
      // A steady flow stamps events as they go; a burst spreads them over the hour before now.
      firstEventMs: paced ? nowMs : nowMs - 3_600_000,
      spacingMs: paced ? 1000 / (options.ratePerSecond ?? 1) : 3_600_000 / Math.max(1, total),
    });
    const tally = new ExpectedTally();
    const result = await produceLoop({
      total,
      ...(paced ? { ratePerSecond: options.ratePerSecond } : {}),
      next,
      send: pool.send,
      batchSize: options.batchSize ?? defaultBatchSize,
      // Each thread has its next request ready when the broker answers its current one.
      maxInFlightBatches: senders + 1,
      onSettled: (batch) => {
        if (batch.ok) tally.acknowledged(batch.records);
        else tally.failedBatch(batch.records);
        options.onBatch?.(batch);
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });

    const expected = tally.result(
      {
        runId,
        topic,
        seed: options.seed,
        dirtyRate: options.dirtyRate,
        now: new Date(nowMs),
        startedAt,
        finishedAt: new Date(),
        interrupted: result.interrupted,
      },
      result.offsets.map(({ partition, firstOffset, lastOffset, records }) => ({ partition, first_offset: firstOffset, last_offset: lastOffset, records })),
    );
    const expectedFile = options.expectedFile ?? expectedFilePath(config.inputDir, runId);
    await writeExpected(expectedFile, expected);
    return { ...result, runId, topic, topicCreated: created, seed: options.seed, expected, expectedFile };
  } finally {
    await pool?.close();
    await admin.disconnect().catch(() => undefined);
  }
}
