// The history of the lake's Delta tables, commit by commit, for `lake history`: what each commit
// did (its operation and the rows and files Delta counted), which run made it (every lake run
// writes its id into its commits' userMetadata), and which version readers are given now (the
// one the layer's pointer names; later commits of a run that died before publishing are not).
import type { LakeConfig } from '../control/config.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { LayerPointer } from '../control/runs/published.js';
import type { ExecuteOptions, SparkSession } from '@lake/spark-connect';
import { deltaHistory, deltaTableExists, type DeltaHistoryCommit } from './delta-history.js';
import { lakeTables, type LakeTable } from './lake-tables.js';

export interface TableCommit {
  /** The table's `lake sql` view name. */
  table: string;
  version: number;
  /** ISO-8601, UTC. */
  time: string;
  operation: string;
  /** Rows the commit wrote (numOutputRows), when it wrote rows. */
  rowsWritten?: number;
  /** Of those, rows it only copied from files it rewrote (numCopiedRows), when there were any. */
  rowsCopied?: number;
  /** Rows it deleted (numDeletedRows), when Delta counted them. */
  rowsDeleted?: number;
  /** Data files it removed from the table (numRemovedFiles), when it removed any. */
  filesRemoved?: number;
  /** The run (or maintenance) that made it: the commit's userMetadata. */
  runId?: string;
  /** The version the layer's pointer names: what readers read now. */
  published: boolean;
}

export interface HistoryOptions {
  /** The tables to show; every Delta table of the lake by default. */
  tables?: readonly LakeTable[];
  /** Only the newest commits of each table. */
  last?: number;
  execution?: ExecuteOptions;
}

export interface LakeHistory {
  commits: TableCommit[];
  /** Tables asked for that were not created yet. */
  missing: string[];
}

/** Each table's commits, oldest first, tables in the lake's order. */
export async function lakeHistory(session: SparkSession, config: LakeConfig, options: HistoryOptions = {}): Promise<LakeHistory> {
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const tables = options.tables ?? lakeTables;
  const pointers = {
    silver: await new LayerPointer(hdfs, root, 'silver').current(),
    gold: await new LayerPointer(hdfs, root, 'gold').current(),
  };
  const perTable = await Promise.all(
    tables.map(async (table) => {
      if (!(await deltaTableExists(hdfs, config, table.path))) return undefined;
      const published = table.layer === 'bronze' ? undefined : pointers[table.layer]?.tables[table.table]?.version;
      const commits = await deltaHistory(session, `${config.lakeRoot}/${table.path}`, { limit: options.last, execution: options.execution });
      return commits.reverse().map((commit) => tableCommit(table, commit, published));
    }),
  );
  return {
    commits: perTable.flatMap((commits) => commits ?? []),
    missing: tables.filter((_, i) => perTable[i] === undefined).map((table) => table.name),
  };
}

/** One commit as `lake history` shows it: only the counts Delta recorded for that operation. */
export function tableCommit(table: LakeTable, commit: DeltaHistoryCommit, publishedVersion: number | undefined): TableCommit {
  const count = (metric: string) => {
    const value = commit.metrics.get(metric);
    return value === undefined ? undefined : Number(value);
  };
  // A zero here says nothing a reader needs: left out, as for an operation without the count.
  const nonZero = (metric: string) => (count(metric) === 0 ? undefined : count(metric));
  return {
    table: table.name,
    version: commit.version,
    time: commit.timestamp.toISOString(),
    operation: commit.operation,
    rowsWritten: count('numOutputRows'),
    rowsCopied: nonZero('numCopiedRows'),
    rowsDeleted: count('numDeletedRows'),
    filesRemoved: nonZero('numRemovedFiles'),
    runId: commit.userMetadata,
    published: commit.version === publishedVersion,
  };
}
