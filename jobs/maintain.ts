// `lake maintain`: the lake's housekeeping. Every run adds small files to its Delta tables, and
// every overwrite or compaction leaves the files of older versions behind; nothing else deletes
// them. For each Delta table of the lake: OPTIMIZE compacts its small files (into a new version,
// which the next run builds on), then VACUUM deletes the files no version worth keeping still
// references — the versions the last N published versions of its layer name, and always the one
// readers read now (jobs/maintain/kept-versions.ts, retention.ts). bronze/ad_events, which no
// pointer names, is vacuumed with Delta's own default retention, never less.
//
// The bronze, silver and gold locks are held throughout, so no run commits or publishes meanwhile:
// the versions to keep cannot change under it, and no write of a run can lose its new files.
// Its commits carry the maintenance's id as userMetadata, as a run's do (`lake history`).
import type { LakeConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { LayerLock } from '../control/runs/lock.js';
import { RunStore, type Layer } from '../control/runs/manifest.js';
import { LayerPointer } from '../control/runs/published.js';
import { newRunId } from '../control/runs/run-id.js';
import { SparkSession, type ExecuteOptions } from '@lake/spark-connect';
import { deltaTable } from './delta.js';
import { deltaHistory, deltaTableExists } from './delta-history.js';
import { lakeTables, type LakeTable } from './lake-tables.js';
import { oldestKeptVersions } from './maintain/kept-versions.js';
import { vacuumPlan } from './maintain/retention.js';

export interface MaintainOptions {
  /** Published versions of each layer to keep readable (the current one always is). */
  keep: number;
  execution?: ExecuteOptions;
  log?: (line: string) => void;
}

export interface TableMaintenance {
  /** The table's `lake sql` view name. */
  table: string;
  /** What OPTIMIZE did: small files it replaced, and the files it wrote instead. */
  compacted: { filesRemoved: number; filesAdded: number };
  /** The retention VACUUM ran with (`default` for Delta's own), or why it did not run. */
  vacuum: { retainHours: number | 'default' } | { skipped: string };
  /** Files (and emptied folders) VACUUM deleted, as its commit counts them. */
  filesDeleted: number;
  /** The versions guaranteed readable afterwards: from the oldest kept to the latest. */
  versions: { from?: number; to: number };
}

export interface MaintenanceReport {
  /** Its id, in the userMetadata of its commits and in the locks while it runs. */
  id: string;
  keep: number;
  tables: TableMaintenance[];
}

const lockedLayers: readonly Layer[] = ['bronze', 'silver', 'gold'];

export async function maintainLake(config: LakeConfig, options: MaintainOptions): Promise<MaintenanceReport> {
  const log = options.log ?? (() => undefined);
  const execution = options.execution ?? {};
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const id = newRunId();
  const locks: LayerLock[] = [];
  try {
    for (const layer of lockedLayers) locks.push(await LayerLock.acquire(hdfs, root, layer, id));
    const kept = oldestKeptVersions(
      await new RunStore(hdfs, root).list(),
      { silver: await new LayerPointer(hdfs, root, 'silver').current(), gold: await new LayerPointer(hdfs, root, 'gold').current() },
      options.keep,
    );
    const session = await SparkSession.connect(config.sparkRemote);
    try {
      await session.config.set({
        'spark.databricks.delta.commitInfo.userMetadata': id,
        // This session only: the retentions below are computed to keep what must stay readable,
        // and are often under the 168 h Delta otherwise insists on.
        'spark.databricks.delta.retentionDurationCheck.enabled': false,
        // VACUUM lists a table's files with this many tasks (10 000 by default): the lake's tables
        // are a few folders each, and 10 000 tasks on a small cluster take most of a minute.
        'spark.sql.sources.parallelPartitionDiscovery.parallelism': 8,
      });
      const tables: TableMaintenance[] = [];
      for (const table of lakeTables) {
        if (!(await deltaTableExists(hdfs, config, table.path))) continue;
        log(`maintain ${table.name}`);
        tables.push(await maintainTable(session, `${config.lakeRoot}/${table.path}`, table, kept.get(table.path), execution));
      }
      return { id, keep: options.keep, tables };
    } finally {
      await session.close();
    }
  } finally {
    for (const lock of locks.reverse()) await lock.release().catch(() => undefined);
  }
}

async function maintainTable(session: SparkSession, uri: string, table: LakeTable, oldestKept: number | undefined, execution: ExecuteOptions): Promise<TableMaintenance> {
  const compacted = await optimize(session, uri, execution);
  if (table.layer === 'bronze') {
    const vacuumed = await vacuum(session, uri, '', execution);
    return { table: table.name, compacted, vacuum: { retainHours: 'default' }, ...vacuumed };
  }
  const history = await deltaHistory(session, uri, { execution });
  const latest = history[0]?.version ?? 0;
  // A table that no kept version names (made by a run that never published) needs only its latest.
  const from = oldestKept ?? latest;
  const plan = vacuumPlan(history, from, await sparkNow(session, execution));
  if ('skipped' in plan) return { table: table.name, compacted, vacuum: plan, filesDeleted: 0, versions: { from, to: latest } };
  const vacuumed = await vacuum(session, uri, ` RETAIN ${plan.retainHours} HOURS`, execution);
  return { table: table.name, compacted, vacuum: plan, filesDeleted: vacuumed.filesDeleted, versions: { from, to: vacuumed.versions.to } };
}

/** VACUUM, and what its closing commit says it deleted. */
async function vacuum(session: SparkSession, uri: string, retain: string, execution: ExecuteOptions): Promise<Pick<TableMaintenance, 'filesDeleted' | 'versions'>> {
  await session.sql(`VACUUM ${deltaTable(uri)}${retain}`, undefined, execution);
  const [end] = await deltaHistory(session, uri, { limit: 1, execution });
  return { filesDeleted: end?.operation === 'VACUUM END' ? Number(end.metrics.get('numDeletedFiles') ?? 0) : 0, versions: { to: end?.version ?? 0 } };
}

/** Spark's clock, not this machine's: VACUUM measures the retention from it. */
async function sparkNow(session: SparkSession, execution: ExecuteOptions): Promise<Date> {
  const [row] = await session.query('SELECT current_timestamp() AS now').collect<{ now: Date }>(execution);
  if (!row) throw new Error('Spark returned no row for SELECT current_timestamp()');
  return row.now;
}

/** OPTIMIZE, and what it says it did. */
async function optimize(session: SparkSession, uri: string, execution: ExecuteOptions): Promise<TableMaintenance['compacted']> {
  const [result] = await (await session.sql(`OPTIMIZE ${deltaTable(uri)}`, undefined, execution)).collect<{
    metrics: { numFilesAdded: bigint; numFilesRemoved: bigint } | null;
  }>(execution);
  return { filesRemoved: Number(result?.metrics?.numFilesRemoved ?? 0), filesAdded: Number(result?.metrics?.numFilesAdded ?? 0) };
}
