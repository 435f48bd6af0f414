// The ad-event stream into bronze: a Spark *batch* read of the topic between the offsets already
// landed and end offsets pinned before the read (every partition named), appended to the Delta
// table `bronze/ad_events` (partitioned by batch) as this run's batch. The new offsets are
// committed by the run manifest, after the write.
import type { LakeConfig } from '../../control/config.js';
import { connectOrExplain, createKafka } from '../../control/kafka/client.js';
import type { WebHdfs } from '../../control/hdfs/webhdfs.js';
import { adEventBatches, type BronzeRun, type KafkaManifest } from '../../control/runs/manifest.js';
import { BATCH_PREFIX } from './batches.js';
import { col, lit, type DataFrame, type ExecuteOptions, type SparkSession } from '@lake/spark-connect';
import { columnsDdl, type Columns } from '../catalog.js';
import { commitWrite, deltaTable, lastRowsCommit, sqlString } from '../delta.js';

export interface OffsetPlan {
  topic: string;
  ranges: Record<string, { from: number; until: number }>;
  /** Offsets below the partition's earliest one were deleted by retention before we landed them. */
  lost: Record<string, number>;
}

/** A partition's earliest offset still in Kafka and the next one to be written. */
export interface PartitionEnds {
  partition: number;
  low: number;
  high: number;
}

/**
 * Each partition's ends, asked of Kafka (no Spark); undefined when the topic does not exist.
 * `quick`: one attempt that gives up after `quickDeadlineMs`, for a look that has a fallback;
 * otherwise kafkajs's few retries and the usual connection deadline, with an error that says why.
 */
export async function topicEnds(config: Pick<LakeConfig, 'kafkaBrokers' | 'kafkaTopic'>, { quick = false } = {}): Promise<PartitionEnds[] | undefined> {
  const admin = (quick ? createKafka(config, 'lake-look', { retries: 0 }) : createKafka(config, 'lake-bronze')).admin();
  await connectOrExplain(admin, config.kafkaBrokers, quick ? quickDeadlineMs : undefined);
  try {
    if (!(await admin.listTopics()).includes(config.kafkaTopic)) return undefined;
    return (await admin.fetchTopicOffsets(config.kafkaTopic)).map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const quickDeadlineMs = 3_000;

/** Where to read from and to, per partition; undefined when the topic does not exist yet. */
export async function planOffsets(config: LakeConfig, committed: Record<string, number>): Promise<OffsetPlan | undefined> {
  const ends = await topicEnds(config);
  if (!ends) return undefined;
  const ranges: OffsetPlan['ranges'] = {};
  const lost: OffsetPlan['lost'] = {};
  for (const { partition, low, high } of ends) {
    const landed = committed[partition] ?? 0;
    const from = Math.max(landed, low);
    if (from > landed) lost[partition] = from - landed;
    ranges[partition] = { from, until: high };
  }
  return { topic: config.kafkaTopic, ranges, lost };
}

export function hasNewRecords(plan: OffsetPlan): boolean {
  return Object.values(plan.ranges).some(({ from, until }) => until > from);
}

/**
 * The options of every Spark read of the topic (job:bronze's batch, the stream's landing). A fetch
 * that finds no record past the log's end waits at the broker for up to `fetch.max.wait.ms` (500 ms
 * by default) before it answers. A read that ends at the log's end (the topic quiet meanwhile: a
 * `job:bronze` after the producer stopped, a stream between bursts) made each of Spark's tasks
 * idle about half a second: a task of 1 000 events ran 0.68 s for 80 ms of CPU, and a read of
 * 3 000 events in 3 partitions took 1.1–1.2 s on two cores. With a 10 ms wait it takes 0.13–0.2 s
 * (docs/benchmarks.md, "The Kafka fetch's wait"). Under a steady flow the log grows past the read's
 * end and no fetch waits.
 */
export function kafkaReadOptions(config: Pick<LakeConfig, 'sparkKafkaBrokers'>): Record<string, string> {
  return { 'kafka.bootstrap.servers': config.sparkKafkaBrokers.join(','), 'kafka.fetch.max.wait.ms': '10' };
}

/** The records of the planned range, as bronze keeps them, tagged with the batch id. */
export function kafkaBatch(session: SparkSession, config: LakeConfig, plan: OffsetPlan, runId: string): DataFrame {
  const offsets = (pick: 'from' | 'until') =>
    JSON.stringify({ [plan.topic]: Object.fromEntries(Object.entries(plan.ranges).map(([p, range]) => [p, range[pick]])) });
  return session.read
    .format('kafka')
    .options(kafkaReadOptions(config))
    .option('subscribe', plan.topic)
    .option('startingOffsets', offsets('from'))
    .option('endingOffsets', offsets('until'))
    .option('failOnDataLoss', 'true')
    .load()
    .select(col('key'), col('value'), col('topic'), col('partition'), col('offset'), col('timestamp'), lit(runId).as('batch_id'));
}

/** True for the ad events of a lake made before Delta: Parquet batch folders without a Delta log. */
export async function adEventsArePlainParquet(hdfs: WebHdfs, root: string): Promise<boolean> {
  const entries = (await hdfs.list(`${root}/bronze/ad_events`)).map((entry) => entry.pathSuffix);
  return entries.some((name) => name.startsWith(BATCH_PREFIX)) && !entries.includes('_delta_log');
}

/**
 * A Delta log without a single commit: the table's creation died (HDFS lost its DataNode while
 * writing the first commit). Delta then neither reads the table nor creates it again; having no
 * commit, it holds nothing, so the log is removed and the next write creates the table afresh.
 */
export async function removeUncommittedAdEventsLog(hdfs: WebHdfs, root: string): Promise<boolean> {
  const log = `${root}/bronze/ad_events/_delta_log`;
  const entries = await hdfs.list(log);
  if (entries.length === 0 || entries.some((entry) => /^\d{20}\.json$/.test(entry.pathSuffix))) return false;
  await hdfs.delete(log, true);
  return true;
}

/** Makes the Parquet batches of the lake before Delta a Delta table, in place: only a log is written. */
export async function convertAdEventsToDelta(session: SparkSession, config: LakeConfig, execution: ExecuteOptions): Promise<void> {
  await session.sql(`CONVERT TO DELTA parquet.\`${adEventsTable(config)}\` PARTITIONED BY (batch_id STRING)`, undefined, execution);
}

/** The columns of `bronze/ad_events`: a Kafka record as Spark's Kafka source gives it, and the batch that landed it (the table's partition). */
export const adEventsColumns: Columns = { key: 'BINARY', value: 'BINARY', topic: 'STRING', partition: 'INT', offset: 'BIGINT', timestamp: 'TIMESTAMP', batch_id: 'STRING' };

/** The Delta table of the landed Kafka records (adEventsColumns). */
export function adEventsTable(config: LakeConfig): string {
  return `${config.lakeRoot}/bronze/ad_events`;
}

/** Creates the Delta table of the landed Kafka records when it does not exist yet. */
export async function ensureAdEventsTable(session: SparkSession, config: LakeConfig, execution: ExecuteOptions): Promise<void> {
  await session.sql(
    `CREATE TABLE IF NOT EXISTS ${deltaTable(adEventsTable(config))} (${columnsDdl(adEventsColumns)}) USING delta PARTITIONED BY (batch_id)`,
    undefined,
    execution,
  );
}

/**
 * Lands the planned range in the `batch_id = <runId>` partition of the Delta table
 * `bronze/ad_events`. The rows of batches that never committed (a run that died after its write)
 * go first: nothing above bronze reads them, and a retried range must not sit twice in the table.
 */
export async function landKafka(
  session: SparkSession,
  hdfs: WebHdfs,
  config: LakeConfig,
  plan: OffsetPlan,
  committed: Record<string, number>,
  runId: string,
  committedRuns: readonly BronzeRun[],
  execution: ExecuteOptions,
): Promise<KafkaManifest> {
  const table = adEventsTable(config);
  await ensureAdEventsTable(session, config, execution);
  // Rows of uncommitted batches can only be there when the newest commit that changed rows is not
  // a committed run's (or the table's creation): every run that found them removed them before it
  // wrote, and `lake maintain`'s compactions after it change no row. A streamed micro-batch's
  // commit carries no run id; its version is in the run that recorded it. Otherwise the batch is a
  // blind append, one Spark job; the removal and the replacing write each rebuild the table's
  // state first.
  const { commit: last } = await lastRowsCommit(hdfs, table);
  const clean =
    last.operation === 'CREATE TABLE' ||
    committedRuns.some((run) => run.runId === last.runId || run.kafka?.deltaVersion === last.version);
  if (!clean) {
    const keep = [...committedRuns.flatMap(adEventBatches), runId].map(sqlString).join(', ');
    await session.sql(`DELETE FROM ${deltaTable(table)} WHERE batch_id NOT IN (${keep})`, undefined, execution);
  }
  await kafkaBatch(session, config, plan, runId).createOrReplaceTempView('landing_ad_events');
  const written = await commitWrite(
    session,
    hdfs,
    table,
    `INSERT INTO ${deltaTable(table)}${clean ? '' : ` REPLACE WHERE batch_id = ${sqlString(runId)}`}
     SELECT key, value, topic, partition, offset, timestamp, batch_id FROM landing_ad_events`,
    runId,
    execution,
  );

  const next = { ...committed };
  for (const [partition, { until }] of Object.entries(plan.ranges)) next[partition] = Math.max(next[partition] ?? 0, until);
  return { topic: plan.topic, ranges: plan.ranges, records: written.rowsWritten, committed: next, deltaVersion: written.version };
}
