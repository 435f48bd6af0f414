// What the stream landed, recorded as bronze runs: the one record of landed offsets that `job:bronze`
// and `lake stream` share (the latest bronze run's `kafka.committed`).
//
// Each epoch (micro-batch) of the landing query is one Delta commit of `bronze/ad_events`, made by
// Delta's streaming sink with a transaction id (query id, epoch) and the rows in the epoch's own
// `batch_id` partition. The epochs that landed since the last record become one bronze run: its
// offset ranges run from the record's offsets to the end of its last epoch (the checkpoint's
// offset log), its batches are the epochs' partitions. Silver then cleans them as any bronze batch.
// Everything comes from files Spark wrote before it reported the epoch done, so a `lake stream`
// that died before it recorded an epoch records it at its next start, neither losing nor
// repeating it.
import type { LakeConfig } from '../../control/config.js';
import { LakeError } from '../../control/errors.js';
import { hdfsPath, type WebHdfs } from '../../control/hdfs/webhdfs.js';
import { runLayer } from '../../control/runs/layer-run.js';
import { RunStore, type BronzeRun, type KafkaManifest } from '../../control/runs/manifest.js';
import { adEventsTable } from '../bronze/kafka-source.js';
import { commitFile, commitVersions } from '../delta.js';
import type { LandingCheckpoint, PartitionOffsets } from './checkpoint.js';

/** One epoch of the landing query, as its Delta commit tells it. */
export interface StreamedCommit {
  version: number;
  epoch: number;
  /** The `batch_id` partitions it wrote (one: the epoch's). */
  batches: string[];
  rows: number;
}

interface CommitAction {
  txn?: { appId: string; version: number };
  add?: { partitionValues?: Record<string, string> };
  commitInfo?: { operationMetrics?: Record<string, string> };
}

/** The commits the query `queryId` made to `uri` after version `after`, oldest first. */
export async function streamedCommits(hdfs: WebHdfs, uri: string, queryId: string, after: number): Promise<StreamedCommit[]> {
  const versions = await commitVersions(hdfs, uri, after + 1);
  const commits: StreamedCommit[] = [];
  for (const version of versions) {
    const actions = (await commitFile(hdfs, uri, version))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as CommitAction);
    const txn = actions.find((action) => action.txn?.appId === queryId)?.txn;
    if (!txn) continue;
    const batches = [...new Set(actions.flatMap((action) => action.add?.partitionValues?.batch_id ?? []))];
    const rows = Number(actions.find((action) => action.commitInfo)?.commitInfo?.operationMetrics?.numOutputRows ?? 0);
    commits.push({ version, epoch: txn.version, batches, rows });
  }
  return commits;
}

/** The landing query's state in the lake's record: what was recorded last, and where that ends. */
export interface LandingRecord {
  /** Offsets landed by batch and stream: where the next landing starts. */
  committed: PartitionOffsets;
  /** The newest version of `bronze/ad_events` a bronze run recorded (-1: none). */
  recordedVersion: number;
  /** The last epoch of the query recorded; undefined when none of its epochs is. */
  lastEpoch: number | undefined;
}

export function landingRecord(committedRuns: readonly BronzeRun[], queryId: string | undefined): LandingRecord {
  const kafkaRuns = committedRuns.filter((run) => run.kafka);
  return {
    committed: kafkaRuns.at(-1)?.kafka?.committed ?? {},
    recordedVersion: Math.max(-1, ...kafkaRuns.map((run) => run.kafka?.deltaVersion ?? -1)),
    lastEpoch: kafkaRuns.findLast((run) => run.kafka?.stream && run.kafka.stream.queryId === queryId)?.kafka?.stream?.lastEpoch,
  };
}

/**
 * Records the epochs the query landed since the last record as one bronze run; undefined when
 * there are none. Under the bronze lock, as any bronze run: a `job:bronze` landing files at that
 * moment makes it fail with the lock's message, and the next call records the same epochs.
 */
export async function recordLandedEpochs(config: LakeConfig, hdfs: WebHdfs, checkpoint: LandingCheckpoint, queryId: string): Promise<BronzeRun | undefined> {
  const table = adEventsTable(config);
  // A look without the lock first: most calls find nothing, and then write no run manifest.
  const seen = landingRecord(await new RunStore(hdfs, hdfsPath(config.lakeRoot)).succeeded('bronze'), queryId);
  if ((await streamedCommits(hdfs, table, queryId, seen.recordedVersion)).length === 0) return undefined;

  return runLayer(config, 'bronze', {
    undo: async () => undefined,
    work: async ({ runs, manifest }) => {
      const record = landingRecord(await runs.succeeded('bronze'), queryId);
      const commits = (await streamedCommits(hdfs, table, queryId, record.recordedVersion)).filter(
        (commit) => record.lastEpoch === undefined || commit.epoch > record.lastEpoch,
      );
      const last = commits.at(-1);
      if (!last) return 'nothing new';
      const from = await checkpoint.resumesAt(commits[0] && commits[0].epoch > 0 ? commits[0].epoch - 1 : undefined);
      const until = await checkpoint.endOf(last.epoch);
      if (!from || !until) {
        throw new LakeError(
          `the checkpoint ${checkpoint.path} has no offsets for the epochs ${commits[0]?.epoch}–${last.epoch} that bronze/ad_events holds`,
          'the checkpoint was removed or replaced while the stream ran; the events it landed stay unrecorded and the next `job:bronze` lands their offsets again (they are not lost)',
        );
      }
      manifest.kafka = landedManifest(config.kafkaTopic, record.committed, from, until, commits, queryId);
      return 'succeeded';
    },
  });
}

/**
 * The Kafka part of the run that records `commits`: offsets `from` (where the first epoch started)
 * up to `until` (where the last one ended). Landing the same offset twice is refused: it would
 * mean two landers read the same events.
 */
export function landedManifest(topic: string, committed: PartitionOffsets, from: PartitionOffsets, until: PartitionOffsets, commits: readonly StreamedCommit[], queryId: string): KafkaManifest {
  const ranges: KafkaManifest['ranges'] = {};
  for (const [partition, end] of Object.entries(until)) {
    const start = from[partition] ?? 0;
    if (start < (committed[partition] ?? 0)) {
      throw new LakeError(
        `the stream landed partition ${partition} from offset ${start}, but the lake had landed it up to ${committed[partition]} already`,
        'another lander took the same events (a `job:bronze` while the stream ran): its checkpoint is stale; restart `lake stream`, which starts from the lake\'s record',
      );
    }
    if (end > start) ranges[partition] = { from: start, until: end };
  }
  const last = commits.at(-1);
  return {
    topic,
    ranges,
    records: commits.reduce((sum, commit) => sum + commit.rows, 0),
    committed: { ...committed, ...until },
    deltaVersion: last?.version,
    batches: commits.flatMap((commit) => commit.batches),
    stream: { queryId, lastEpoch: last?.epoch ?? -1 },
  };
}
