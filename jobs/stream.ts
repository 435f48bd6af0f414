// The real-time path of the ad events (`lake stream`): a Spark Structured Streaming query lands the
// topic in the Delta table `bronze/ad_events`, exactly once across restarts (its checkpoint under
// `_checkpoints/`), each epoch in its own `batch_id` partition. The stream works in cycles: the
// query lands what the topic holds (available-now), then the lake records the landed epochs as a
// bronze run (stream/landed-epochs.ts), cleans them with silver's own code and rules (one
// incremental silver run, which cleans only the sources with new records) and recomputes the gold
// metrics that read the ad events; then the query lands again. Silver and gold run as the lake's
// runs, not as Spark queries of their own: duplicates are resolved across the whole history by
// quarantining later copies with a reason, which needs the keys silver holds and the epoch's other
// records, and a Spark Connect client that is neither JVM nor Python cannot hand Spark a per-batch
// function (foreachBatch) to do it inside a query.
//
// The topic has one lander at a time: the stream holds the `stream` lock, under which `job:bronze`
// leaves the ad events alone, and both keep their offsets in the one record, the bronze runs.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LakeConfig } from '../control/config.js';
import { LakeError, hintOf } from '../control/errors.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { connectOrExplain, createKafka, kafkaUnreachable } from '../control/kafka/client.js';
import { defaultTopicPartitions, ensureTopic } from '../control/kafka/topics.js';
import { LayerLock, LockHeldError, describeOwner } from '../control/runs/lock.js';
import { RunStore, runsOf, type BronzeRun, type GoldRun, type SilverRun } from '../control/runs/manifest.js';
import { LayerPointer, tableUri } from '../control/runs/published.js';
import { heldBatches } from '../control/runs/silver-batches.js';
import { newRunId } from '../control/runs/run-id.js';
import { SparkSession, SparkUnreachableError, col, expr, fn, type StreamingQuery, type StreamingQueryProgress } from '@lake/spark-connect';
import { adEventsTable, ensureAdEventsTable, kafkaReadOptions, planOffsets } from './bronze/kafka-source.js';
import { deltaTable } from './delta.js';
import { runGold } from './gold.js';
import { interpretExpressions } from './interpreted.js';
import { runSilver } from './silver.js';
import { LandingCheckpoint, type PartitionOffsets } from './stream/checkpoint.js';
import { landingRecord, recordLandedEpochs } from './stream/landed-epochs.js';
import { arrivalRate } from './stream/arrival-rate.js';
import { topicHoldsMore } from './stream/new-events.js';

export const landingQueryName = 'lake_bronze_ad_events';

/**
 * The least time from one landing to the next, by default. A busy stream's cycle (land, record,
 * clean, publish) takes about 3 s on two cores, so 2 s leaves the pace to the work; at 3 s a
 * cycle that finished early waited for the trigger (docs/benchmarks.md, "The API's poll and the
 * stream's trigger").
 */
export const defaultTriggerMs = 2000;

export interface StreamOptions {
  /** The least milliseconds from the start of one landing to the start of the next (default `defaultTriggerMs`): a cycle that takes longer lands again at once. */
  triggerMs?: number;
  /** Land what the topic holds now, clean it, compute gold, and end (Spark's available-now trigger). */
  untilIdle?: boolean;
  /** Start over from the lake's record of landed offsets with a new checkpoint. */
  reset?: boolean;
  /** Ends the stream: the landing under way stops after its epoch; what it landed is recorded, cleaned and published. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Each layer run's own lines (silver's and gold's steps); quiet unless given. */
  runLog?: (line: string) => void;
  /** After each cycle in which something happened. */
  onCycle?: (cycle: StreamCycle) => void;
}

/** One turn of the stream: the landing query's last progress, and what the layers did after it. */
export interface StreamCycle {
  progress: StreamingQueryProgress | undefined;
  /** Events a second the landing read since the landing before (stream/arrival-rate.ts: not Spark's figure, 0/s for every landing). */
  inputRowsPerSecond?: number;
  bronze?: BronzeRun;
  silver?: SilverRun;
  gold?: GoldRun;
  /** How old the newest event in gold was when gold was published (ms since Kafka stamped it). */
  newestEventAgeMs?: number;
}

export interface StreamReport {
  queryId: string;
  /** Events this session recorded in bronze. */
  landed: number;
  bronzeRuns: number;
  /** Landing queries this session started: the first, then one a cycle, except while the topic was idle. */
  landings: number;
  ended: 'stopped' | 'idle';
}

/** What `lake stream status` shows: written by the stream after every cycle, in `_stream/status.json`. */
export interface StreamStatus {
  streamId: string;
  pid: number;
  since: string;
  queryId: string;
  updatedAt: string;
  landed: number;
  /** The last landing's last progress; its input rate is the stream's (StreamCycle.inputRowsPerSecond). */
  lastProgress?: Pick<StreamingQueryProgress, 'batchId' | 'timestamp' | 'numInputRows' | 'processedRowsPerSecond' | 'batchDuration'> & { inputRowsPerSecond?: number };
  lastGold?: { runId: string; publishedAt: string; newestEventAgeMs?: number };
  /** Set when the stream ended: how, and when. */
  ended?: { at: string; how: 'stopped' | 'idle' | 'failed'; error?: string };
}

const statusFile = (root: string) => `${root}/_stream/status.json`;

/** The status the last (or running) stream wrote, and whether it still runs. */
export async function readStreamStatus(config: LakeConfig): Promise<{ status: StreamStatus | undefined; running: boolean }> {
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const [file, holder] = await Promise.all([hdfs.read(statusFile(root)), LayerLock.holder(hdfs, root, 'stream')]);
  return { status: file ? (JSON.parse(file.toString('utf8')) as StreamStatus) : undefined, running: holder !== undefined };
}

export function checkpointPath(config: LakeConfig): string {
  return `${config.lakeRoot}/_checkpoints/bronze_ad_events`;
}

export async function runStream(config: LakeConfig, options: StreamOptions = {}): Promise<StreamReport> {
  const log = options.log ?? (() => undefined);
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const checkpoint = new LandingCheckpoint(hdfs, hdfsPath(checkpointPath(config)), config.kafkaTopic);
  const streamId = newRunId();
  const lock = await LayerLock.acquire(hdfs, root, 'stream', streamId);
  const waitForLocks = lockWaiter(log, options.signal);
  let session: SparkSession | undefined;
  try {
    session = await SparkSession.connect(config.sparkRemote);
    if (options.reset) {
      await refuseResetWhileHeld(hdfs, root);
      await checkpoint.remove();
      log('reset: the landing checkpoint is removed; the stream starts from the offsets the lake recorded');
    }
    // Epochs a previous `lake stream` landed but did not live to record.
    const previousQuery = await checkpoint.queryId();
    if (previousQuery) {
      const recorded = await waitForLocks(() => recordLandedEpochs(config, hdfs, checkpoint, previousQuery));
      if (recorded) log(`recorded ${recorded.kafka?.records ?? 0} events the last stream landed but had not recorded (bronze run ${recorded.runId})`);
    }
    const { query, start } = await waitForLocks(() => startLanding(session!, config, hdfs, root, checkpoint, streamId, log));
    log(`landing ${config.kafkaTopic} into ${adEventsTable(config)} (query ${query.id}, checkpoint ${checkpointPath(config)})`);
    // The first landing carries whatever the topic holds beyond the record (a backlog after a stop)
    // and keeps compiled expressions; each later one carries the seconds of events since the one
    // before: small data, interpreted like a small day's silver. A streaming query copies its
    // session's settings when it starts, so the first is not affected. On a stream of 2 000 events/s
    // the executor used 17 % less CPU (docs/benchmarks.md, 2026-12-05).
    await interpretExpressions(session);
    const landing = { again: () => landingQuery(session!, config, start), prepare: (uri: string) => computeSnapshotState(session!, uri) };
    return await landInCycles(streamId, config, hdfs, checkpoint, query, landing, options, waitForLocks);
  } catch (error) {
    // The query lived in the Connect server: what it landed is in its checkpoint and the Delta log.
    if (error instanceof SparkUnreachableError) {
      throw new LakeError(
        `the stream stopped: ${error.message}`,
        `${hintOf(error) ?? error.hint}; then run \`lake stream\` again: it records what the stopped query landed and resumes from its checkpoint, without loss or duplicates`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await session?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}

/**
 * Starts the landing query, under the bronze lock: no batch lands events between reading the
 * record and starting. A checkpoint that resumes elsewhere than the record ends (a `job:bronze`
 * landed events since the stream stopped) is stale: it is replaced, and the new query starts from
 * the record.
 */
async function startLanding(
  session: SparkSession,
  config: LakeConfig,
  hdfs: WebHdfs,
  root: string,
  checkpoint: LandingCheckpoint,
  streamId: string,
  log: (line: string) => void,
): Promise<{ query: StreamingQuery; start: PartitionOffsets }> {
  const bronzeLock = await LayerLock.acquire(hdfs, root, 'bronze', streamId);
  try {
    const queryId = await checkpoint.queryId();
    const record = landingRecord(await new RunStore(hdfs, root).succeeded('bronze'), queryId);
    if (queryId) {
      const resume = await checkpoint.resumesAt(record.lastEpoch);
      const behind = !resume || Object.entries(record.committed).some(([partition, offset]) => (resume[partition] ?? 0) < offset);
      if (behind) {
        log('the landing checkpoint is behind the lake\'s record (a job:bronze landed events since): starting a new one from the record');
        await checkpoint.remove();
      }
    }
    let start = await checkpoint.start();
    if (!start || !(await checkpoint.queryId())) {
      start = await startingOffsets(config, record.committed, log);
      await checkpoint.writeStart(start);
    }
    await ensureAdEventsTable(session, config, {});
    return { query: await landingQuery(session, config, start), start };
  } finally {
    await bronzeLock.release().catch(() => undefined);
  }
}

/** Where a new landing query starts: the record's offsets, every partition of the topic named. */
async function startingOffsets(config: LakeConfig, committed: PartitionOffsets, log: (line: string) => void): Promise<PartitionOffsets> {
  const admin = createKafka(config, 'lake-stream').admin();
  await connectOrExplain(admin, config.kafkaBrokers);
  try {
    const topic = await ensureTopic(admin, config.kafkaTopic, defaultTopicPartitions);
    if (topic.created) log(`created the topic ${config.kafkaTopic} with ${defaultTopicPartitions} partitions`);
  } finally {
    await admin.disconnect();
  }
  const plan = await planOffsets(config, committed);
  if (!plan) throw new LakeError(`the topic ${config.kafkaTopic} vanished while the stream started`, 'start the stream again');
  for (const [partition, lost] of Object.entries(plan.lost)) log(`warning: ${lost} records of partition ${partition} expired in Kafka before they were landed`);
  return Object.fromEntries(Object.entries(plan.ranges).map(([partition, { from }]) => [partition, from]));
}

/**
 * Kafka → `bronze/ad_events`, as bronze keeps records, each epoch in the partition `batch_id` of its
 * own: the second of its trigger and a hash of the trigger's millisecond (`current_timestamp()` is
 * the trigger's time in a streaming query), in the form of a run id, so batches sort by time. The
 * newest Kafka timestamp of each epoch is observed for the age of the newest event.
 */
async function landingQuery(session: SparkSession, config: LakeConfig, start: PartitionOffsets): Promise<StreamingQuery> {
  const salt = randomBytes(4).toString('hex');
  const batchId = expr(
    `concat(date_format(current_timestamp(), "yyyyMMdd'T'HHmmss'Z'"), '-', substr(sha2(concat('${salt}', CAST(unix_millis(current_timestamp()) AS STRING)), 256), 1, 6))`,
  );
  return session.readStream
    .format('kafka')
    .options(kafkaReadOptions(config))
    .option('subscribe', config.kafkaTopic)
    .option('startingOffsets', JSON.stringify({ [config.kafkaTopic]: start }))
    // An offset that expired before it was landed stops the query with Spark's message: the lake
    // never skips records silently.
    .option('failOnDataLoss', 'true')
    .load()
    .select(col('key'), col('value'), col('topic'), col('partition'), col('offset'), col('timestamp'), batchId.as('batch_id'))
    .observe('landed', fn('max', fn('unix_millis', col('timestamp'))).as('newest_ms'))
    .writeStream.format('delta')
    .outputMode('append')
    .partitionBy('batch_id')
    .queryName(landingQueryName)
    .checkpointLocation(checkpointPath(config))
    .trigger({ availableNow: true })
    .start(adEventsTable(config));
}

/**
 * Has Spark compute the state of a Delta table's newest snapshot, while the stream does other
 * work: the next write to it would do it first, on its path. Delta's streaming sink asks the
 * snapshot which epochs of the query it holds (its idempotent writes), gold's overwrite which
 * files it replaces; that state is rebuilt from the log with a few Spark jobs (`Compute snapshot
 * for version`) for every new snapshot, and each landing and each gold run commits one. `DESCRIBE
 * DETAIL` computes it on the same snapshot (the Connect server keeps one per table, whichever
 * session asks), so the write finds it done. A failure here is the write's to report.
 */
async function computeSnapshotState(session: SparkSession, uri: string): Promise<void> {
  await session.sql(`DESCRIBE DETAIL ${deltaTable(uri)}`).catch(() => undefined);
}

/**
 * What a stream's silver run keeps on the executors rather than in scratch Parquet: a cycle cleans
 * the seconds of events landed since the last one, which the executors hold in memory (spilling to
 * their disks if they must); writing them to HDFS and reading them back (two Spark jobs and a commit
 * of files each) would be much of the cycle. 256 MiB is about 500 000 events. Below it a cycle
 * also evaluates its expressions interpreted (interpreted.ts), as the landings after the first do.
 */
export const streamKeepBytes = 256 * 1024 ** 2;

/**
 * A stream's silver runs compact a table's small files once it holds this many (Delta's own
 * default): a busy stream appends a file or two a table every cycle, about 700 cycles an hour, and
 * every cycle's duplicate check reads all of silver's event ids (docs/benchmarks.md, "Silver's
 * tables under a long stream").
 */
export const streamCompactFromFiles = 50;

/** The options of a stream cycle's silver run. */
export const streamSilverOptions = { materializeFromBytes: streamKeepBytes, interpretBelowBytes: streamKeepBytes, compactFromFiles: streamCompactFromFiles } as const;

/**
 * The stream's cycles: the landing query lands what the topic holds (Spark's available-now trigger,
 * from its checkpoint), then the landed epochs are recorded, cleaned and published, and the query
 * lands again, `triggerMs` after it last started at the earliest; after a landing that found
 * nothing, only once Kafka holds new events (an idle topic starts no query: the Connect server
 * keeps each for an hour). The query does not trigger on
 * its own while the layers work: on a small cluster its epochs would compete for the cores with the
 * cleaning of the epochs before them, and every epoch costs a Delta commit and a snapshot of the
 * table whatever it holds (docs/benchmarks.md measures both ways). Ends after one cycle with
 * `untilIdle`, or when the signal stops the landing under way: what it landed is recorded, cleaned
 * and published. A landing that failed ends the stream with its error, once what it landed before is published.
 */
async function landInCycles(
  streamId: string,
  config: LakeConfig,
  hdfs: WebHdfs,
  checkpoint: LandingCheckpoint,
  first: StreamingQuery,
  landing: { again: () => Promise<StreamingQuery>; prepare: (uri: string) => Promise<void> },
  options: StreamOptions,
  waitForLocks: <T>(attempt: () => Promise<T>) => Promise<T>,
): Promise<StreamReport> {
  const report: StreamReport = { queryId: first.id, landed: 0, bronzeRuns: 0, landings: 1, ended: 'stopped' };
  const status: StreamStatus = { streamId, pid: process.pid, since: new Date().toISOString(), queryId: first.id, updatedAt: '', landed: 0 };
  const saveStatus = async () => {
    status.updatedAt = new Date().toISOString();
    status.landed = report.landed;
    await hdfs.write(statusFile(hdfsPath(config.lakeRoot)), `${JSON.stringify(status, null, 2)}\n`, { overwrite: true });
  };
  // A stream (or a batch) that died may have left silver or gold behind bronze.
  let owed = await layersBehind(hdfs, hdfsPath(config.lakeRoot));
  let newestRecorded: number | undefined;
  let previousTriggerAt: number | undefined;
  // The snapshots the next landing and the next gold run write on, computed while the stream
  // does other work (computeSnapshotState): bronze's once a landing committed epochs, gold's
  // tables once gold published them.
  let bronzeReady: Promise<unknown> = Promise.resolve();
  let goldReady: Promise<unknown> = Promise.resolve();

  const cycle = async (query: StreamingQuery): Promise<void> => {
    // One round trip: this landing's reports, the last of them its last progress.
    const recent = await query.recentProgress();
    const progress = recent.at(-1);
    const turn: StreamCycle = { progress, inputRowsPerSecond: arrivalRate(recent, previousTriggerAt) };
    if (progress) previousTriggerAt = Date.parse(progress.timestamp);
    turn.bronze = await recordLandedEpochs(config, hdfs, checkpoint, query.id);
    if (turn.bronze?.kafka) {
      bronzeReady = landing.prepare(adEventsTable(config));
      report.landed += turn.bronze.kafka.records;
      report.bronzeRuns += 1;
      // The newest Kafka timestamp the landing observed in the epochs now recorded.
      const lastEpoch = turn.bronze.kafka.stream?.lastEpoch ?? -1;
      const newest = recent
        .filter((entry) => entry.batchId <= lastEpoch)
        .map((entry) => Number(entry.observedMetrics?.landed?.newest_ms))
        .filter((ms) => Number.isFinite(ms) && ms > 0);
      if (newest.length > 0) newestRecorded = Math.max(newestRecorded ?? 0, ...newest);
      owed = true;
    }
    // A landing that found nothing new: nothing to say.
    if (!owed) return;
    turn.silver = await runSilver(config, { log: options.runLog, ...streamSilverOptions });
    await goldReady;
    turn.gold = await runGold(config, { log: options.runLog });
    const published = turn.gold.published;
    if (published) goldReady = Promise.all(Object.keys(turn.gold.gold ?? {}).map((table) => landing.prepare(tableUri(config, published.tables[table]!))));
    owed = false;
    if (turn.gold.outcome === 'succeeded' && newestRecorded !== undefined) turn.newestEventAgeMs = Date.now() - newestRecorded;
    if (turn.gold.published) status.lastGold = { runId: turn.gold.runId, publishedAt: turn.gold.published.publishedAt, newestEventAgeMs: turn.newestEventAgeMs };
    if (progress) {
      const { batchId, timestamp, numInputRows, processedRowsPerSecond, batchDuration } = progress;
      status.lastProgress = { batchId, timestamp, numInputRows, inputRowsPerSecond: turn.inputRowsPerSecond, processedRowsPerSecond, batchDuration };
    }
    await saveStatus();
    options.onCycle?.(turn);
  };

  const triggerMs = options.triggerMs ?? defaultTriggerMs;
  let query = first;
  try {
    for (;;) {
      const started = Date.now();
      await landingEnds(query, config, options.signal, options.log ?? (() => undefined));
      const ending = options.untilIdle || options.signal?.aborted;
      // The last cycle leaves nothing behind: batches a `job:bronze` landed meanwhile are cleaned too.
      if (ending) owed ||= await layersBehind(hdfs, hdfsPath(config.lakeRoot));
      const landedBefore = report.landed;
      await waitForLocks(() => cycle(query));
      const failure = await query.exception();
      if (failure) throw landingFailed(config, failure.message);
      if (ending) break;
      await sleep(started + triggerMs - Date.now(), undefined, { signal: options.signal }).catch(() => undefined);
      // After a landing that found events the next one starts without asking Kafka: more are likely.
      if (report.landed === landedBefore) await untilNewEvents(config, checkpoint, triggerMs, options.signal, options.log ?? (() => undefined));
      // Stopped while waiting: no new landing; the next turn is the last cycle, on the ended one.
      if (!options.signal?.aborted) {
        await bronzeReady;
        query = await landing.again();
        report.landings += 1;
      }
    }
  } catch (error) {
    await query.stop().catch(() => undefined);
    status.ended = { at: new Date().toISOString(), how: 'failed', error: error instanceof Error ? error.message : String(error) };
    await saveStatus().catch(() => undefined);
    throw error;
  }
  await Promise.all([bronzeReady, goldReady]);
  report.ended = options.signal?.aborted ? 'stopped' : 'idle';
  status.ended = { at: new Date().toISOString(), how: report.ended };
  await saveStatus();
  return report;
}

/**
 * Until Kafka holds events past what the landing committed (stream/new-events.ts), looking every
 * `triggerMs`, or the signal. Says so once when the topic is idle.
 */
async function untilNewEvents(config: LakeConfig, checkpoint: LandingCheckpoint, triggerMs: number, signal: AbortSignal | undefined, log: (line: string) => void): Promise<void> {
  const landedUpTo = await checkpoint.committedEnd();
  if (!landedUpTo) return;
  let said = false;
  while (!signal?.aborted && !(await topicHoldsMore(config, landedUpTo))) {
    if (!said) log(`no new events in ${config.kafkaTopic}: the next landing starts when there are (a look every ${triggerMs / 1000} s)`);
    said = true;
    await sleep(triggerMs, undefined, { signal }).catch(() => undefined);
  }
}

/** The error a failed landing ends the stream with, once what it landed before is published. */
function landingFailed(config: LakeConfig, message: string): LakeError {
  const published = 'what the stream landed before is recorded and published, and stays';
  if (/UnknownTopicOrPartition/.test(message)) {
    // Kafka offsets start over in a topic created again, and the lake's record of landed offsets
    // would then skip the new records up to the old ones' end.
    return new LakeError(
      `the topic ${config.kafkaTopic} is gone from Kafka (deleted while the stream landed it?)`,
      `${published}. Recreate the topic under a new name and land it with LAKE_KAFKA_TOPIC set to it, or into a new lake (LAKE_ROOT): a topic created again under the same name starts its offsets over`,
    );
  }
  return new LakeError(
    `the landing query ${landingQueryName} stopped: ${message.split('\n')[0]}`,
    `${published}. Fix the cause (\`npm run lake -- stack status\` for the broker), then run \`lake stream\` again: it resumes from its checkpoint without loss`,
  );
}

/** A landing that takes this long may be waiting for Kafka: from then on, whether a broker answers is checked this often. */
const kafkaCheckAfterMs = 10_000;

/**
 * Until the landing under way has landed what the topic held (or the signal stopped it). Without
 * a broker, Spark's Kafka source waits for one to come back (the stream then goes on where it
 * was, nothing lost); the user is told that it waits, and when Kafka answers again.
 */
async function landingEnds(query: StreamingQuery, config: LakeConfig, signal: AbortSignal | undefined, log: (line: string) => void): Promise<void> {
  let nextCheck = Date.now() + kafkaCheckAfterMs;
  let waitingForKafka = false;
  // The server answers the moment the landing ends. A landing that failed has ended too: the
  // cycle publishes what it landed before, then `exception()` tells why.
  const ended = () =>
    query.awaitTermination(landingWaitMs).catch((error: unknown) => {
      if (error instanceof SparkUnreachableError) throw error;
      return true;
    });
  while (!(await ended())) {
    if (signal?.aborted) {
      await query.stop();
      return;
    }
    if (Date.now() >= nextCheck) {
      const unreachable = await kafkaUnreachable(config);
      if (unreachable && !waitingForKafka) log(`${unreachable}: the landing waits for it (what the stream landed before is published)`);
      if (!unreachable && waitingForKafka) log(kafkaBack);
      waitingForKafka = unreachable !== undefined;
      nextCheck = Date.now() + kafkaCheckAfterMs;
    }
  }
  // The landing may end (what came back landed) before the next check.
  if (waitingForKafka && !(await kafkaUnreachable(config))) log(kafkaBack);
}

/** How long one wait for the landing's end lasts before Ctrl-C and Kafka are looked at again. */
const landingWaitMs = 250;

const kafkaBack = 'Kafka answers again: landing';

/** `--reset` is refused while a layer run holds the lake: it could be landing or cleaning the very offsets. */
async function refuseResetWhileHeld(hdfs: WebHdfs, root: string): Promise<void> {
  for (const layer of ['bronze', 'silver', 'gold'] as const) {
    const holder = await LayerLock.holder(hdfs, root, layer);
    if (holder) {
      throw new LockHeldError(
        `--reset refused: a ${layer} run (${describeOwner(holder)}) holds the lake`,
        'wait for it to finish, then reset; or run `lake stream` without --reset, which waits for it',
      );
    }
  }
}

/** Whether silver lacks a committed bronze batch, or gold was computed from an older silver. */
async function layersBehind(hdfs: WebHdfs, root: string): Promise<boolean> {
  const [runs, silver, gold] = await Promise.all([
    new RunStore(hdfs, root).list(),
    new LayerPointer(hdfs, root, 'silver').current(),
    new LayerPointer(hdfs, root, 'gold').current(),
  ]);
  const bronze = runsOf(runs, 'bronze');
  if (bronze.length === 0) return false;
  const held = new Set(heldBatches(runs, silver));
  return bronze.some((run) => !held.has(run.runId)) || gold?.madeFrom?.[0] !== silver?.runId;
}

/**
 * Runs an attempt, and again every 2 s while a layer's lock is another run's (a `job:silver` or
 * `job:bronze` of someone else): the stream waits for it rather than failing. Says so once.
 */
function lockWaiter(log: (line: string) => void, signal: AbortSignal | undefined) {
  return async <T>(attempt: () => Promise<T>): Promise<T> => {
    let said = '';
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof LockHeldError) || signal?.aborted) throw error;
        if (error.message !== said) log(`waiting: ${error.message}`);
        said = error.message;
        await sleep(2000);
      }
    }
  };
}
