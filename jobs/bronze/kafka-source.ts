// The ad-event stream into bronze: a Spark *batch* read of the topic between the offsets already
// landed and end offsets pinned before the read (every partition named), written as Parquet into
// this run's batch folder. The new offsets are committed by the run manifest, after the write.
import type { LakeConfig } from '../../control/config.js';
import { connectOrExplain, createKafka } from '../../control/kafka/client.js';
import { batchFolder } from './batches.js';
import type { KafkaManifest } from '../../control/runs/manifest.js';
import { col, lit, type DataFrame, type ExecuteOptions, type SparkSession } from '../../control/spark/index.js';

export interface OffsetPlan {
  topic: string;
  ranges: Record<string, { from: number; until: number }>;
  /** Offsets below the partition's earliest one were deleted by retention before we landed them. */
  lost: Record<string, number>;
}

/** Where to read from and to, per partition; undefined when the topic does not exist yet. */
export async function planOffsets(config: LakeConfig, committed: Record<string, number>): Promise<OffsetPlan | undefined> {
  const admin = createKafka(config, 'lake-bronze').admin();
  await connectOrExplain(admin, config.kafkaBrokers);
  try {
    if (!(await admin.listTopics()).includes(config.kafkaTopic)) return undefined;
    const offsets = await admin.fetchTopicOffsets(config.kafkaTopic);
    const ranges: OffsetPlan['ranges'] = {};
    const lost: OffsetPlan['lost'] = {};
    for (const { partition, low, high } of offsets) {
      const landed = committed[partition] ?? 0;
      const from = Math.max(landed, Number(low));
      if (from > landed) lost[partition] = from - landed;
      ranges[partition] = { from, until: Number(high) };
    }
    return { topic: config.kafkaTopic, ranges, lost };
  } finally {
    await admin.disconnect();
  }
}

export function hasNewRecords(plan: OffsetPlan): boolean {
  return Object.values(plan.ranges).some(({ from, until }) => until > from);
}

/** The records of the planned range, as bronze keeps them, tagged with the batch id. */
export function kafkaBatch(session: SparkSession, config: LakeConfig, plan: OffsetPlan, runId: string): DataFrame {
  const offsets = (pick: 'from' | 'until') =>
    JSON.stringify({ [plan.topic]: Object.fromEntries(Object.entries(plan.ranges).map(([p, range]) => [p, range[pick]])) });
  return session.read
    .format('kafka')
    .option('kafka.bootstrap.servers', config.sparkKafkaBrokers.join(','))
    .option('subscribe', plan.topic)
    .option('startingOffsets', offsets('from'))
    .option('endingOffsets', offsets('until'))
    .option('failOnDataLoss', 'true')
    .load()
    .select(col('key'), col('value'), col('topic'), col('partition'), col('offset'), col('timestamp'), lit(runId).as('batch_id'));
}

/**
 * Lands the planned range as Parquet in the `batch_id=<runId>` partition of `bronze/ad_events`.
 * Dynamic partition overwrite replaces only that partition: a retried batch id rewrites its own
 * folder, never adds a second copy, and other batches are untouched.
 */
export async function landKafka(
  session: SparkSession,
  config: LakeConfig,
  plan: OffsetPlan,
  committed: Record<string, number>,
  runId: string,
  execution: ExecuteOptions,
): Promise<KafkaManifest> {
  const folder = batchFolder('ad_events', runId);
  await kafkaBatch(session, config, plan, runId)
    .write.format('parquet')
    .mode('overwrite')
    .option('partitionOverwriteMode', 'dynamic')
    .partitionBy('batch_id')
    .save(`${config.lakeRoot}/bronze/ad_events`, execution);
  const written = await session.read.format('parquet').load(`${config.lakeRoot}/${folder}`).count(execution);

  const next = { ...committed };
  for (const [partition, { until }] of Object.entries(plan.ranges)) next[partition] = Math.max(next[partition] ?? 0, until);
  return { topic: plan.topic, ranges: plan.ranges, records: Number(written), committed: next, landedAt: folder };
}
