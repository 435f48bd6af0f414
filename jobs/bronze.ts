// Bronze: lands the raw inputs in the lake, unmodified. Files go byte for byte through WebHDFS
// into `bronze/<table>/batch_id=<runId>/`; the ad stream goes through a Spark batch read of Kafka
// into `bronze/ad_events/batch_id=<runId>/` as Parquet. The run manifest, written last, is the
// commit: a batch without a succeeded manifest does not exist for the layers above, and is
// removed by the next run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LakeConfig } from '../control/config.js';
import { LakeError, describeError } from '../control/errors.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { LayerLock } from '../control/runs/lock.js';
import type { FileSourceManifest, KafkaManifest, RunManifest } from '../control/runs/manifest.js';
import { RunStore } from '../control/runs/manifest.js';
import { newRunId } from '../control/runs/run-id.js';
import { SparkSession, type ExecuteOptions } from '../control/spark/index.js';
import { factsOf, fileSources, listInputFiles, type FileTable } from './bronze/file-sources.js';
import { hasNewRecords, landKafka, planOffsets } from './bronze/kafka-source.js';

export const bronzeTables = ['transactions', 'server_logs', 'social_posts', 'ad_events'] as const;
export type BronzeTable = (typeof bronzeTables)[number];

export interface BronzeOptions {
  tables?: readonly BronzeTable[];
  /** Spark execution options (progress, cancellation) for the Kafka part. */
  execution?: ExecuteOptions;
  log?: (line: string) => void;
}

const BATCH_PREFIX = 'batch_id=';

export async function runBronze(config: LakeConfig, options: BronzeOptions = {}): Promise<RunManifest> {
  const tables = options.tables ?? bronzeTables;
  const log = options.log ?? (() => undefined);
  const fileTables = tables.filter((table): table is FileTable => table !== 'ad_events');
  if (fileTables.length > 0 && !existsSync(config.inputDir)) {
    throw new LakeError(
      `the input folder ${config.inputDir} does not exist`,
      'generate sample data with `npm run lake -- generate`, or point LAKE_INPUT at your folder',
    );
  }

  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const runs = new RunStore(hdfs, root);
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const lock = await LayerLock.acquire(hdfs, root, 'bronze', runId);
  let session: SparkSession | undefined;
  const manifest: RunManifest = { runId, layer: 'bronze', startedAt, endedAt: startedAt, outcome: 'failed' };
  try {
    const committedRuns = await runs.succeeded('bronze');
    await removeUncommittedBatches(hdfs, root, new Set(committedRuns.map((run) => run.runId)), log);

    // Kafka first: pinning the end offsets also tells at once whether the broker answers.
    const committedOffsets = committedRuns.findLast((run) => run.kafka)?.kafka?.committed ?? {};
    const offsetPlan = tables.includes('ad_events') ? await planOffsets(config, committedOffsets) : undefined;
    if (tables.includes('ad_events') && !offsetPlan) log(`Kafka topic ${config.kafkaTopic} does not exist yet: no ad events to land`);

    const known = knownFiles(committedRuns);
    manifest.files = {};
    for (const table of fileTables) manifest.files[table] = await landFiles(hdfs, root, config, table, runId, known, log);

    if (offsetPlan && hasNewRecords(offsetPlan)) {
      for (const [partition, lost] of Object.entries(offsetPlan.lost)) {
        log(`warning: ${lost} records of partition ${partition} expired in Kafka before they were landed`);
      }
      session = await SparkSession.connect(config.sparkRemote);
      log(`landing ad events ${describeRanges(offsetPlan.ranges)} from Kafka through Spark`);
      manifest.kafka = await landKafka(session, config, offsetPlan, committedOffsets, runId, options.execution ?? {});
    } else if (offsetPlan) {
      manifest.kafka = { topic: offsetPlan.topic, ranges: {}, records: 0, committed: committedOffsets };
    }

    const landedSomething = Object.values(manifest.files).some((f) => f.landed.length > 0) || (manifest.kafka?.records ?? 0) > 0;
    manifest.outcome = landedSomething ? 'succeeded' : 'nothing new';
    manifest.endedAt = new Date().toISOString();
    await runs.save(manifest);
    return manifest;
  } catch (error) {
    manifest.outcome = 'failed';
    manifest.error = describeError(error);
    manifest.endedAt = new Date().toISOString();
    // Best effort: the history shows the failure; the partial batch goes now or at the next run.
    await runs.save(manifest).catch(() => undefined);
    await removeBatch(hdfs, root, runId).catch(() => undefined);
    throw error;
  } finally {
    await session?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}

/** SHA-256 → where that content already is in the lake. */
function knownFiles(committedRuns: readonly RunManifest[]): Map<string, string> {
  const known = new Map<string, string>();
  for (const run of committedRuns) {
    for (const source of Object.values(run.files ?? {})) for (const file of source.landed) known.set(file.sha256, file.landedAt);
  }
  return known;
}

async function landFiles(
  hdfs: WebHdfs,
  root: string,
  config: LakeConfig,
  table: FileTable,
  runId: string,
  known: Map<string, string>,
  log: (line: string) => void,
): Promise<FileSourceManifest> {
  const result: FileSourceManifest = { landed: [], skipped: [] };
  for (const file of await listInputFiles(path.join(config.inputDir, fileSources[table]))) {
    const facts = await factsOf(file.absolutePath);
    const sameAs = known.get(facts.sha256);
    if (sameAs) {
      result.skipped.push({ path: file.relativePath, sha256: facts.sha256, sameAs });
      continue;
    }
    const landedAt = `bronze/${table}/${BATCH_PREFIX}${runId}/${file.relativePath}`;
    await hdfs.write(`${root}/${landedAt}`, { file: file.absolutePath });
    known.set(facts.sha256, landedAt);
    result.landed.push({ path: file.relativePath, landedAt, ...facts });
    log(`landed ${table}/${file.relativePath} (${facts.size} bytes)`);
  }
  return result;
}

async function removeBatch(hdfs: WebHdfs, root: string, runId: string): Promise<void> {
  for (const table of bronzeTables) await hdfs.delete(`${root}/bronze/${table}/${BATCH_PREFIX}${runId}`, true);
}

/** Batch folders of runs that never committed (crashed or failed): nothing above bronze sees them. */
async function removeUncommittedBatches(hdfs: WebHdfs, root: string, committed: ReadonlySet<string>, log: (line: string) => void): Promise<void> {
  for (const table of bronzeTables) {
    for (const entry of await hdfs.list(`${root}/bronze/${table}`)) {
      if (!entry.pathSuffix.startsWith(BATCH_PREFIX)) continue;
      const runId = entry.pathSuffix.slice(BATCH_PREFIX.length);
      if (committed.has(runId)) continue;
      await hdfs.delete(`${root}/bronze/${table}/${entry.pathSuffix}`, true);
      log(`removed the uncommitted batch ${runId} of bronze/${table} (left by a failed run)`);
    }
  }
}

function describeRanges(ranges: KafkaManifest['ranges']): string {
  return Object.entries(ranges)
    .map(([partition, { from, until }]) => `p${partition}:${from}→${until}`)
    .join(' ');
}
