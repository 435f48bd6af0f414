// The few Delta Lake operations the layers need, in Spark SQL over Spark Connect: create a table
// with the contract's schema (Delta then enforces it on every write) and read back what the
// latest commit did (its version and rows written, from the commit's own metrics in the table's
// log — no second scan of what was just written).
import { columnsDdl, layerTables, type Columns } from './catalog.js';
import type { LakeConfig } from '../control/config.js';
import { tableUri, type PublishedLayer, type PublishedLayerName } from '../control/runs/published.js';
import { hdfsPath, type WebHdfs } from '../control/hdfs/webhdfs.js';
import { sideBySide } from '../control/side-by-side.js';
import type { ExecuteOptions, SparkSession } from '@lake/spark-connect';

/** The SQL name of a path table: delta.`hdfs://…`. */
export function deltaTable(uri: string): string {
  return `delta.\`${uri}\``;
}

/**
 * Creates a Delta table with these columns unless it exists. `statisticsColumns`: the columns whose
 * minimum, maximum and null count Delta records for each file it writes (for data skipping), in
 * place of its default, the first 32 columns.
 */
export async function ensureDeltaTable(
  session: SparkSession,
  uri: string,
  columns: Columns,
  options: { execution?: ExecuteOptions; statisticsColumns?: readonly string[] } = {},
): Promise<void> {
  const properties = options.statisticsColumns ? ` TBLPROPERTIES ('delta.dataSkippingStatsColumns' = ${sqlString(options.statisticsColumns.join(','))})` : '';
  await session.sql(`CREATE TABLE IF NOT EXISTS ${deltaTable(uri)} (${columnsDdl(columns)}) USING delta${properties}`, undefined, options.execution);
}

export interface DeltaCommit {
  version: number;
  operation: string;
  /** New rows the commit wrote: `numOutputRows` less the rows it only copied from rewritten files. */
  rowsWritten: number;
  /**
   * The data files a write added (commitWrite), as paths a Parquet read takes as they are, when the
   * write is the table's newest commit (no compaction moved its rows since) and every file it added
   * is such a path; else undefined.
   */
  files?: string[];
}

/**
 * Runs a write statement (INSERT, INSERT OVERWRITE, REPLACE WHERE: a Delta `WRITE`) of run `runId`
 * on a table and tells what it committed: the newest commit that changed rows is the statement's
 * when it is a WRITE carrying the run's id (every commit of a run's session carries it, see
 * control/runs/layer-run.ts, and a run writes each table once). On a table with auto compaction
 * the statement may commit a compaction of the table's small files right after its write (an
 * OPTIMIZE that changes no row): the version is then the compaction's, the rows the write's. Delta
 * makes no commit for a write that changes nothing (an empty insert with nothing to replace): the
 * table's version then stays, and the write wrote no row.
 */
export async function commitWrite(
  session: SparkSession,
  hdfs: WebHdfs,
  uri: string,
  statement: string,
  runId: string,
  execution: ExecuteOptions = {},
): Promise<DeltaCommit> {
  await session.sql(statement, undefined, execution);
  const { commit, newest, text } = await lastRowsCommit(hdfs, uri);
  const wrote = commit.operation === 'WRITE' && commit.runId === runId;
  const files = wrote && commit.version === newest ? addedFiles(uri, text) : undefined;
  return { version: newest, operation: commit.operation, rowsWritten: wrote ? commit.rowsWritten : 0, ...(files && { files }) };
}

/**
 * The data files a commit (the text of its file) added, under the table `uri`, when each is a file
 * a Parquet read takes as it is: a plain one, or one of a `batch_id` partition (plainFile,
 * partitionFile; the latter without its partition's column); else undefined.
 */
export function addedFiles(uri: string, commitFile: string): string[] | undefined {
  const paths: string[] = [];
  for (const add of actionsOf(commitFile).flatMap((action) => (action.add ? [action.add] : []))) {
    const path = plainFile(uri, add) ?? partitionFile(uri, add);
    if (!path) return undefined;
    paths.push(path);
  }
  return paths;
}

/** The commit of a table at a version, from its commit file. */
async function commitAt(hdfs: WebHdfs, uri: string, version: number): Promise<DeltaCommit & { runId: string | null }> {
  return commitOf(version, await commitFile(hdfs, uri, version));
}

/**
 * The newest commit of a table that changed its rows, and the table's newest version. The commits
 * after it only compacted files or vacuumed (`lake maintain`, Delta's auto compaction): every file
 * they added or removed says `dataChange: false`, and they changed neither schema nor protocol, so
 * the table holds the rows that commit left. The walk back ends at the table's creation at the
 * latest (a commit with the table's metadata). `text`: that commit's file.
 */
export async function lastRowsCommit(hdfs: WebHdfs, uri: string): Promise<{ commit: DeltaCommit & { runId: string | null }; newest: number; text: string }> {
  const newest = await newestVersion(hdfs, uri);
  for (let version = newest; ; version -= 1) {
    const text = await commitFile(hdfs, uri, version);
    if (version === 0 || changesRows(actionsOf(text))) return { commit: commitOf(version, text), newest, text };
  }
}

/** Whether a commit's actions may change the table's rows (see lastRowsCommit). */
export function changesRows(actions: readonly DeltaAction[]): boolean {
  return actions.some((action) => {
    const file = action.add ?? action.remove;
    return action.metaData !== undefined || action.protocol !== undefined || action.cdc !== undefined || (file !== undefined && file.dataChange !== false);
  });
}

/** The actions of a commit file, one JSON object a line. */
export function actionsOf(commitFile: string): DeltaAction[] {
  return commitFile
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeltaAction);
}

/**
 * The newest commit of a table, read from its transaction log over WebHDFS: the highest
 * `_delta_log/<version>.json` and its `commitInfo` action, which is what DESCRIBE HISTORY shows
 * (the Delta protocol's commit file; each appears whole, by an atomic create). No Spark job: a
 * DESCRIBE HISTORY is a round trip of 0.3–2 s on a busy cluster, this a few milliseconds.
 */
export async function lastCommit(hdfs: WebHdfs, uri: string): Promise<DeltaCommit & { runId: string | null }> {
  return commitAt(hdfs, uri, await newestVersion(hdfs, uri));
}

/** The version of a table's newest commit, listing its log from the latest checkpoint on. */
async function newestVersion(hdfs: WebHdfs, uri: string): Promise<number> {
  const versions = await commitVersions(hdfs, uri, await lastCheckpoint(hdfs, uri));
  const version = versions.at(-1) ?? (await commitVersions(hdfs, uri)).at(-1);
  if (version === undefined) throw new Error(`the Delta table ${uri} has no commit`);
  return version;
}

/**
 * The versions of a table's commit files (`_delta_log/<version>.json`), oldest first; with `from`,
 * those from that version on only, listing just the log's tail. A table's log grows by a commit a
 * run (a stream commits every few seconds) until Delta cleans up its old entries (30 days by
 * default): the whole listing would grow with the history.
 */
export async function commitVersions(hdfs: WebHdfs, uri: string, from = 0): Promise<number[]> {
  const log = `${hdfsPath(uri)}/_delta_log`;
  const entries = from > 0 ? await hdfs.listAfter(log, `${logName(from - 1)}.json`) : await hdfs.list(log);
  return entries
    .flatMap((file) => {
      const version = /^(\d{20})\.json$/.exec(file.pathSuffix)?.[1];
      return version === undefined ? [] : [Number(version)];
    })
    .sort((a, b) => a - b);
}

/**
 * The version of the table's latest checkpoint (`_delta_log/_last_checkpoint`), which Delta writes
 * every few commits: its newest commit is at or after it. 0 when it has none yet.
 */
async function lastCheckpoint(hdfs: WebHdfs, uri: string): Promise<number> {
  const file = await hdfs.read(`${hdfsPath(uri)}/_delta_log/_last_checkpoint`);
  try {
    const version = file && (JSON.parse(file.toString('utf8')) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isSafeInteger(version) ? version : 0;
  } catch {
    // Not what Delta writes: the whole log is listed instead.
    return 0;
  }
}

/** A version as the log names its files: twenty digits. */
function logName(version: number): string {
  return String(version).padStart(20, '0');
}

/** A file of a table's log for a version: its commit (`json`) or the checksum beside it (`crc`). */
export function logFile(uri: string, version: number, kind: 'json' | 'crc'): string {
  return `${hdfsPath(uri)}/_delta_log/${logName(version)}.${kind}`;
}

/** The text of a commit file: one JSON action a line. */
export async function commitFile(hdfs: WebHdfs, uri: string, version: number): Promise<string> {
  const file = await hdfs.read(logFile(uri, version, 'json'));
  if (!file) throw new Error(`the commit ${version} of the Delta table ${uri} vanished while it was read`);
  return file.toString('utf8');
}

/** A commit as the lake needs it, from the text of its commit file (one JSON action a line). */
export function commitOf(version: number, commitFile: string): DeltaCommit & { runId: string | null } {
  const info = actionsOf(commitFile).find((action) => action.commitInfo)?.commitInfo;
  if (!info?.operation) throw new Error(`the commit ${version} has no commitInfo with its operation`);
  const metric = (name: string) => Number(info.operationMetrics?.[name] ?? 0);
  return {
    version,
    operation: info.operation,
    rowsWritten: metric('numOutputRows') - metric('numCopiedRows'),
    runId: info.userMetadata ?? null,
  };
}

/** What a run of plain appends added to a table: the bronze batches of its rows, and the bytes of the files the appends wrote. */
export interface Appended {
  batches: string[];
  bytes: number;
  /**
   * The files the appends wrote, which hold exactly the rows of `batches`, as paths to read as plain
   * Parquet (see plainFile); undefined when a commit between removed files (a compaction moved rows
   * into files that hold other rows too) or a file is not plain.
   */
  files?: string[];
}

/**
 * The bronze batches whose rows the commits after `since` up to `until` appended to a table, when
 * every one of them is a plain append (a `WRITE` in mode `Append`) or changes no row (a compaction,
 * a vacuum: see lastRowsCommit): then the table at `until` holds the rows it held at `since`
 * plus exactly the rows of those batches (each appended batch is new: a batch written again goes
 * through a RESTORE first, see jobs/silver.ts). An append's batches are its `batch_id` partitions
 * in a table partitioned by batch (the layout before auto compaction), else the batches of the run
 * that committed it, which `batchesOfRun` gives from the run's id in the commit. Undefined when any
 * commit did more than append (an overwrite, a restore, a delete), its file is gone, or its run is
 * unknown.
 */
export async function appendedBatches(
  hdfs: WebHdfs,
  uri: string,
  since: number,
  until: number,
  batchesOfRun: (runId: string) => Promise<readonly string[] | undefined>,
): Promise<Appended | undefined> {
  const batches = new Set<string>();
  let bytes = 0;
  let files: string[] | undefined = [];
  for (let version = since + 1; version <= until; version++) {
    const actions = await commitFile(hdfs, uri, version).then(actionsOf, () => undefined);
    if (!actions) return undefined;
    if (actions.some((action) => action.remove)) files = undefined;
    if (!changesRows(actions)) continue;
    const info = actions.find((action) => action.commitInfo)?.commitInfo;
    if (info?.operation !== 'WRITE' || info.operationParameters?.mode !== 'Append' || actions.some((action) => action.remove)) return undefined;
    const added = actions.flatMap((action) => (action.add ? [action.add] : []));
    if (added.every((file) => file.partitionValues?.batch_id)) {
      for (const file of added) batches.add(file.partitionValues!.batch_id!);
    } else {
      const ofRun = info.userMetadata ? await batchesOfRun(info.userMetadata) : undefined;
      if (!ofRun) return undefined;
      for (const batch of ofRun) batches.add(batch);
    }
    bytes += added.reduce((sum, file) => sum + (file.size ?? 0), 0);
    const paths = added.map((file) => plainFile(uri, file));
    files = files && paths.every((path): path is string => path !== undefined) ? [...files, ...paths] : undefined;
  }
  return { batches: [...batches], bytes, ...(files && { files }) };
}

/**
 * The data files of the `batch_id` partitions `batches` of a table partitioned by batch
 * (`bronze/ad_events`), from the `add` actions of its commits from version `from` on: what a
 * reader of those batches takes as plain Parquet instead of rebuilding the table's state from its
 * log (a few Spark jobs, whatever the batches hold). A batch is written by one commit (a
 * `job:bronze` run's, or a streamed epoch's); `from` is at or before each batch's commit.
 * Undefined, and the reader goes through Delta, unless those commits name every file of the
 * batches: when a commit since `from` removed a file (a compaction, the removal of a dead run's
 * rows), a batch has no file there, a file is not a plain one of its partition (see
 * partitionFile), or the commits are more than `atMost` (a long backlog: Delta's own read is no
 * slower then).
 */
export async function batchPartitionFiles(hdfs: WebHdfs, uri: string, batches: readonly string[], from: number, atMost = 100): Promise<string[] | undefined> {
  // A long history is not even listed (`lake sql` names every batch of a stream of days): the
  // newest version is at or after the latest checkpoint's.
  if ((await lastCheckpoint(hdfs, uri)) - from >= atMost) return undefined;
  const versions = await commitVersions(hdfs, uri, from);
  if (versions[0] !== from || versions.length > atMost) return undefined;
  const wanted = new Set(batches);
  const found = new Set<string>();
  const files: string[] = [];
  for (const text of await sideBySide(versions, (version) => commitFile(hdfs, uri, version), { atOnce: 8 })) {
    const actions = actionsOf(text);
    if (actions.some((action) => action.remove)) return undefined;
    for (const add of actions.flatMap((action) => (action.add ? [action.add] : []))) {
      const batch = add.partitionValues?.batch_id;
      if (batch === undefined || !wanted.has(batch)) continue;
      const path = partitionFile(uri, add);
      if (!path) return undefined;
      files.push(path);
      found.add(batch);
    }
  }
  return found.size === wanted.size ? files : undefined;
}

/** The actions of a commit file that the lake reads. */
export interface DeltaAction {
  commitInfo?: { operation?: string; operationParameters?: Record<string, string>; operationMetrics?: Record<string, string>; userMetadata?: string };
  /** `stats`: the file's record count and per-column minimum, maximum and null count, as JSON. */
  add?: DeltaFile & { size?: number; dataChange?: boolean; stats?: string };
  remove?: { dataChange?: boolean };
  metaData?: unknown;
  protocol?: unknown;
  cdc?: unknown;
}

/** What the lake reads of the checksum Delta writes beside a commit (`_delta_log/<version>.crc`). */
interface Checksum {
  tableSizeBytes?: unknown;
  numFiles?: unknown;
  allFiles?: unknown;
}

/**
 * The checksum of a table's version: undefined when it is missing or cannot be parsed. Delta may
 * skip it; it is a hint, and the commit stands without it.
 */
async function checksumOf(hdfs: WebHdfs, uri: string, version: number): Promise<Checksum | undefined> {
  const file = await hdfs.read(logFile(uri, version, 'crc'));
  if (!file) return undefined;
  try {
    return JSON.parse(file.toString('utf8')) as Checksum;
  } catch {
    return undefined;
  }
}

/** The bytes of a table's data files at a version, from its checksum (`tableSizeBytes`): no Spark job. */
export async function tableSizeBytes(hdfs: WebHdfs, uri: string, version: number): Promise<number | undefined> {
  const size = (await checksumOf(hdfs, uri, version))?.tableSizeBytes;
  return typeof size === 'number' ? size : undefined;
}

/**
 * The data files of a table at a version, from its checksum: while a table has few files (50 by
 * default), Delta lists them all there (`allFiles`), so a reader can take them as plain Parquet
 * without the Spark jobs that rebuild the table's state from its log. Undefined when the checksum
 * is missing or does not list them, or lists a file that a plain Parquet read would get wrong
 * (deletion vectors, partition values, a path other than a file name in the table).
 */
export async function snapshotFiles(hdfs: WebHdfs, uri: string, version: number): Promise<string[] | undefined> {
  const checksum = await checksumOf(hdfs, uri, version);
  return checksum && filesOfChecksum(uri, checksum);
}

/**
 * Registers a table at a version as the temporary view `view`: as the plain Parquet files `files`
 * with the catalog's `columns` (by default the files its checksum lists, see snapshotFiles), else,
 * when no list is known, through Delta at that version. Each Delta read of a version nobody read
 * yet first rebuilds the table's state from its log and filters its file list: a few Spark jobs
 * whatever the table holds, most of a small run's reads, and each run makes new versions.
 */
export async function registerTableAt(
  session: SparkSession,
  hdfs: WebHdfs,
  view: string,
  { uri, version, columns, files }: { uri: string; version: number; columns: Columns; files?: string[] },
): Promise<void> {
  const listed = files ?? (await snapshotFiles(hdfs, uri, version));
  const reader = listed && listed.length > 0 ? session.read.format('parquet').schema(columnsDdl(columns)).load(...listed) : session.read.format('delta').option('versionAsOf', version).load(uri);
  await reader.createOrReplaceTempView(view);
}

/**
 * Registers each table of a published layer version as the view `<layer>_<table>` (with `only`,
 * just those views), each read as registerTableAt reads it: the files its checksum lists, else
 * through Delta at the version the layer names. For the layers' own reads; `lake sql` and the
 * charts read through Delta (registerPublishedViews), whose errors say which version was removed.
 */
export async function registerPublishedTables(
  session: SparkSession,
  hdfs: WebHdfs,
  config: LakeConfig,
  layer: PublishedLayerName,
  version: PublishedLayer,
  only?: ReadonlySet<string>,
): Promise<void> {
  const columns = layerTables(layer);
  await sideBySide(
    Object.entries(version.tables).filter(([table]) => only?.has(`${layer}_${table}`) ?? true),
    ([table, published]) => registerTableAt(session, hdfs, `${layer}_${table}`, { uri: tableUri(config, published), version: published.version, columns: columns[table]! }),
  );
}

/** The files a checksum's `allFiles` lists, as paths under the table `uri` (see snapshotFiles). */
export function filesOfChecksum(uri: string, { numFiles, allFiles }: Checksum): string[] | undefined {
  if (!Array.isArray(allFiles) || allFiles.length !== numFiles) return undefined;
  const paths: string[] = [];
  for (const file of allFiles as DeltaFile[]) {
    const path = plainFile(uri, file);
    if (!path) return undefined;
    paths.push(path);
  }
  return paths;
}

/** A data file as a table's log names it (an `add` action, an entry of a checksum's `allFiles`). */
interface DeltaFile {
  path?: unknown;
  deletionVector?: unknown;
  partitionValues?: Record<string, string>;
}

/**
 * The path of a data file that a plain Parquet read gets right, under the table `uri`: a file name
 * in the table's folder, without deletion vector or partition values (which live in the log, not
 * in the file). Undefined for any other.
 */
function plainFile(uri: string, file: DeltaFile): string | undefined {
  const plain = typeof file.path === 'string' && /^[\w.-]+$/.test(file.path) && !file.deletionVector && Object.keys(file.partitionValues ?? {}).length === 0;
  return plain ? `${uri}/${file.path as string}` : undefined;
}

/**
 * The path of a data file of a table partitioned by `batch_id` alone that a Parquet read with the
 * table as its base path gets right: `batch_id=<value>/<file>`, where the value is its partition
 * value and needs no escaping in a path, and the file is a plain one of that folder (plainFile).
 * Undefined for any other.
 */
function partitionFile(uri: string, file: DeltaFile): string | undefined {
  const { batch_id: batch, ...others } = file.partitionValues ?? {};
  if (batch === undefined || !/^[\w-]+$/.test(batch) || Object.keys(others).length > 0) return undefined;
  const folder = `batch_id=${batch}`;
  if (typeof file.path !== 'string' || !file.path.startsWith(`${folder}/`)) return undefined;
  return plainFile(`${uri}/${folder}`, { path: file.path.slice(folder.length + 1), deletionVector: file.deletionVector });
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
