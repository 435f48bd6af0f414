// Bronze: lands the raw inputs in the lake, unmodified. Files go byte for byte through WebHDFS
// into `bronze/<table>/batch_id=<runId>/`; the ad stream goes through a Spark batch read of Kafka
// into the `batch_id = <runId>` partition of the Delta table `bronze/ad_events`. The run manifest, written last, is the
// commit: a batch without a succeeded manifest does not exist for the layers above, and is
// removed by the next run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import type { WebHdfs } from '../control/hdfs/webhdfs.js';
import { runLayer } from '../control/runs/layer-run.js';
import { LayerLock, LockHeldError, describeOwner } from '../control/runs/lock.js';
import { allEnded, sideBySide } from '../control/side-by-side.js';
import { runsOf, type BronzeRun, type FileSourceManifest, type KafkaManifest } from '../control/runs/manifest.js';
import type { ExecuteOptions } from '@lake/spark-connect';
import { BATCH_PREFIX, batchFolder } from './bronze/batches.js';
import { fileSources, listInputFiles, type FileTable } from './bronze/file-sources.js';
import { recordedFiles, seeFile, type RecordedFile, type SeenFile } from './bronze/file-stamps.js';
import { adEventsArePlainParquet, convertAdEventsToDelta, hasNewRecords, landKafka, planOffsets, removeUncommittedAdEventsLog } from './bronze/kafka-source.js';
import { OldLayoutError } from '../control/runs/published.js';

export const bronzeTables = ['transactions', 'server_logs', 'social_posts', 'ad_events'] as const;
export type BronzeTable = (typeof bronzeTables)[number];

export interface BronzeOptions {
  tables?: readonly BronzeTable[];
  /** Spark execution options (progress, cancellation) for the Kafka part. */
  execution?: ExecuteOptions;
  /**
   * Part of `job all --full-refresh`: a lake made before Delta keeps its ad events as plain
   * Parquet; they become a Delta table in place (a log is added, no data file is rewritten).
   */
  upgradeLayout?: boolean;
  log?: (line: string) => void;
}


export async function runBronze(config: LakeConfig, options: BronzeOptions = {}): Promise<BronzeRun> {
  const tables = options.tables ?? bronzeTables;
  const log = options.log ?? (() => undefined);
  const fileTables = tables.filter((table): table is FileTable => table !== 'ad_events');
  if (fileTables.length > 0 && !existsSync(config.inputDir)) {
    throw new LakeError(
      `the input folder ${config.inputDir} does not exist`,
      'generate sample data with `npm run lake -- generate`, or point LAKE_INPUT at your folder',
    );
  }

  return runLayer(config, 'bronze', {
    signal: options.execution?.signal,
    undo: ({ hdfs, root, runId }) => removeBatch(hdfs, root, runId),
    work: async (run) => {
      const { hdfs, root, runs, runId, manifest, spark } = run;
      // The runs that read the whole input, landing something or not (they recorded the newest
      // stamps), and of them the committed ones, from one listing of the run record.
      const record = await runs.list();
      const finishedRuns = runsOf(record, 'bronze', ['succeeded', 'nothing new']);
      const committedRuns = runsOf(record, 'bronze');
      await removeUncommittedBatches(hdfs, root, new Set(committedRuns.map((run) => run.runId)), log);
      if (await removeUncommittedAdEventsLog(hdfs, root)) log('bronze/ad_events: removed the Delta log of a creation that never committed');
      if (await adEventsArePlainParquet(hdfs, root)) {
        if (!options.upgradeLayout) throw new OldLayoutError(`bronze/ad_events of ${config.lakeRoot}`);
        await convertAdEventsToDelta(await spark(), config, options.execution ?? {});
        log('bronze/ad_events: the Parquet batches of the lake before Delta are now a Delta table (no data file rewritten)');
      }

      // While `lake stream` runs, the topic is its own: it lands the ad events, this run the files.
      const stream = tables.includes('ad_events') ? await LayerLock.holder(hdfs, root, 'stream') : undefined;
      if (stream) {
        const who = `lake stream (${describeOwner(stream)})`;
        if (fileTables.length === 0) throw new LockHeldError(`${who} lands the ad events of ${config.kafkaTopic}`, 'let it land them, or stop it (Ctrl-C) and run the batch again');
        log(`ad events: ${who} lands them; this run lands the files`);
      }
      // Kafka first: pinning the end offsets also tells at once whether the broker answers.
      const committedOffsets = committedRuns.findLast((run) => run.kafka)?.kafka?.committed ?? {};
      const offsetPlan = tables.includes('ad_events') && !stream ? await planOffsets(config, committedOffsets) : undefined;
      if (tables.includes('ad_events') && !stream && !offsetPlan) log(`Kafka topic ${config.kafkaTopic} does not exist yet: no ad events to land`);

      // The files (Node and the DataNodes) and the ad events (a Spark job) are independent: they
      // land side by side, each using the CPU the other leaves.
      const landEvents = async (): Promise<KafkaManifest | undefined> => {
        if (!offsetPlan) return undefined;
        if (!hasNewRecords(offsetPlan)) return { topic: offsetPlan.topic, ranges: {}, records: 0, committed: committedOffsets };
        for (const [partition, lost] of Object.entries(offsetPlan.lost)) {
          log(`warning: ${lost} records of partition ${partition} expired in Kafka before they were landed`);
        }
        log(`landing ad events ${describeRanges(offsetPlan.ranges)} from Kafka through Spark`);
        return landKafka(await spark(), hdfs, config, offsetPlan, committedOffsets, runId, committedRuns, options.execution ?? {});
      };
      const lake = { known: knownFiles(committedRuns), recorded: recordedFiles(finishedRuns) };
      const [files, kafka] = await allEnded([landAllFiles(hdfs, root, config, fileTables, runId, lake, log), landEvents()]);
      manifest.files = files;
      if (kafka) manifest.kafka = kafka;

      const landedSomething = Object.values(manifest.files).some((f) => f.landed.length > 0) || (manifest.kafka?.records ?? 0) > 0;
      return landedSomething ? 'succeeded' : 'nothing new';
    },
  });
}

/** SHA-256 → where that content already is in the lake. */
function knownFiles(committedRuns: readonly BronzeRun[]): Map<string, string> {
  const known = new Map<string, string>();
  for (const run of committedRuns) {
    for (const source of Object.values(run.files ?? {})) for (const file of source.landed) known.set(file.sha256, file.landedAt);
  }
  return known;
}

/**
 * Lands the new files of each table: their facts (hash, lines) first, the tables side by side,
 * reading only the files whose stamps are not the ones `recorded`; then which are new, in table
 * and path order (a file whose content the lake or an earlier file of the run holds is skipped);
 * then the uploads, the tables side by side.
 */
async function landAllFiles(
  hdfs: WebHdfs,
  root: string,
  config: LakeConfig,
  tables: readonly FileTable[],
  runId: string,
  { known, recorded }: { known: Map<string, string>; recorded: ReadonlyMap<string, RecordedFile> },
  log: (line: string) => void,
): Promise<Record<string, FileSourceManifest>> {
  const found = await sideBySide(tables, async (table) => {
    const files: SeenFile[] = [];
    for (const file of await listInputFiles(path.join(config.inputDir, fileSources[table]))) files.push(await seeFile(file, recorded.get(`${table}/${file.relativePath}`), known));
    return { table, files };
  });
  const decided = found.map(({ table, files }) => {
    const manifest: FileSourceManifest = { landed: [], skipped: [] };
    for (const seen of files) {
      const relativePath = seen.file.relativePath;
      const stamp = seen.stamp ? { stamp: seen.stamp } : {};
      if (!('facts' in seen)) {
        manifest.skipped.push({ path: relativePath, sha256: seen.sha256, sameAs: seen.sameAs, ...stamp });
        continue;
      }
      const { facts } = seen;
      const sameAs = known.get(facts.sha256);
      if (sameAs) {
        manifest.skipped.push({ path: relativePath, sha256: facts.sha256, sameAs, ...stamp });
        continue;
      }
      const landedAt = `${batchFolder(table, runId)}/${relativePath}`;
      known.set(facts.sha256, landedAt);
      manifest.landed.push({ path: relativePath, landedAt, ...facts, ...stamp });
    }
    return { table, manifest };
  });
  await sideBySide(decided, async ({ table, manifest }) => {
    for (const landed of manifest.landed) {
      await hdfs.write(`${root}/${landed.landedAt}`, { file: path.join(config.inputDir, fileSources[table], landed.path) });
      log(`landed ${table}/${landed.path} (${landed.size} bytes)`);
    }
  });
  return Object.fromEntries(decided.map(({ table, manifest }) => [table, manifest]));
}

// The file sources' batch folders; the ad events' batches are partitions of a Delta table, whose
// files only Delta may remove (landKafka deletes the rows of uncommitted batches).
const fileTableNames = Object.keys(fileSources) as FileTable[];

async function removeBatch(hdfs: WebHdfs, root: string, runId: string): Promise<void> {
  for (const table of fileTableNames) await hdfs.delete(`${root}/${batchFolder(table, runId)}`, true);
}

/** Batch folders of runs that never committed (crashed or failed): nothing above bronze sees them. */
async function removeUncommittedBatches(hdfs: WebHdfs, root: string, committed: ReadonlySet<string>, log: (line: string) => void): Promise<void> {
  for (const table of fileTableNames) {
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
