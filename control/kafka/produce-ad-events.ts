// One run of the ad-event producer: connect, make sure the topic exists, send generated events with
// an idempotent producer, and write what the lake must compute from the acknowledged ones.
import { CompressionTypes, Partitioners } from 'kafkajs';
import type { LakeConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { adEventGenerator, type AdEventRecord } from './ad-events.js';
import { batchSender } from './batch-sender.js';
import { connectOrExplain, createKafka } from './client.js';
import { type ExpectedAdEvents, ExpectedTally, expectedFilePath, writeExpected } from './expected.js';
import { type ProduceLoopResult, type ProduceProgress, type SettledBatch, produceLoop } from './producer.js';
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
   * Batches sent and not yet acknowledged, at most. Default 1: the next batch is generated while one
   * is in flight. More buys little (kafkajs sends one request per broker at a time for an idempotent
   * producer) and is unsafe: when a request fails, kafkajs hands its sequence numbers to the next
   * waiting batch, which the broker may then drop as a duplicate of the failed one.
   */
  maxInFlightBatches?: number;
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


/**
 * About a minute of retries for a send, and for the connections under it: kafkajs grows the wait
 * by about 1.5× a retry, so 8 retries gave up after ~15 s, before a restarted broker (~16 s on
 * the embedded stack) was back; 12 wait ~75 s in all.
 */
const producerRetry = { retries: 12, initialRetryTime: 300, maxRetryTime: 30_000 };

function plannedTotal(options: ProduceAdEventsOptions): number {
  if (options.count !== undefined) return options.count;
  if (options.ratePerSecond !== undefined && options.durationMs !== undefined) return Math.floor((options.ratePerSecond * options.durationMs) / 1000);
  throw new LakeError('nothing to produce', 'give --count N, or --rate R --duration D');
}

export async function produceAdEvents(config: LakeConfig, options: ProduceAdEventsOptions): Promise<ProduceAdEventsReport> {
  const total = plannedTotal(options);
  const topic = config.kafkaTopic;
  const acks = options.acks ?? -1;
  // The admin fails fast when no broker answers at the start. The producer rides out a broker that
  // restarts meanwhile: its connections are retried as long as its sends (with the client's quick
  // default, a broker restart failed the run within two seconds, its batch unacknowledged).
  const admin = createKafka(config, 'lake-produce').admin();
  const producer = createKafka(config, 'lake-produce', producerRetry).producer({
    idempotent: acks === -1,
    // What kafkajs's idempotence was built for (KIP-98's original rule); kafkajs does not enforce it.
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // A failing send is retried for about a minute (the Java client gives up after two), then the run
    // stops. Explicit: through Kafka.producer(), kafkajs's "unlimited retries when idempotent" is 5.
    retry: producerRetry,
  });

  await connectOrExplain(admin, config.kafkaBrokers);
  try {
    const { created, partitions } = await ensureTopic(admin, topic, options.partitions);
    if (!created && partitions.length !== options.partitions) {
      options.log?.(`topic ${topic} already exists with ${partitions.length} partitions; --partitions ${options.partitions} applies only when creating it`);
    }
    await connectOrExplain(producer, config.kafkaBrokers);

    const startedAt = new Date();
    const runId = newRunId(startedAt);
    const nowMs = options.nowMs ?? startedAt.getTime();
    const paced = options.ratePerSecond !== undefined;
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
      send: batchSender(producer, { topic, partitions, acks, compression: CompressionTypes.GZIP }),
      batchSize: options.batchSize ?? defaultBatchSize,
      maxInFlightBatches: options.maxInFlightBatches ?? 1,
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
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
