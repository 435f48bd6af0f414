// A Delta table's commits as Delta records them (DESCRIBE HISTORY): what `lake history` shows, and
// what `lake maintain` computes its retention from (when each commit was made, and whether it
// could have removed files). A table that was never created has no `_delta_log` folder: callers
// ask first rather than parse Delta's "not a Delta table" error.
import type { LakeConfig } from '../control/config.js';
import { hdfsPath, type WebHdfs } from '../control/hdfs/webhdfs.js';
import type { ExecuteOptions, SparkSession } from '@lake/spark-connect';
import { deltaTable } from './delta.js';

export interface DeltaHistoryCommit {
  version: number;
  timestamp: Date;
  operation: string;
  /** Delta's operation metrics, as Delta names them (`numOutputRows`, `numRemovedFiles`, ...). */
  metrics: ReadonlyMap<string, string>;
  /** Every commit of a lake run carries the run id here (control/runs/layer-run.ts). */
  userMetadata: string | undefined;
  /**
   * The commit only added files: it removed none (appends, VACUUM's own commits). Delta leaves it
   * unset on some commits: they count as having removed files.
   */
  blindAppend: boolean;
}

type HistoryRow = {
  version: bigint;
  timestamp: Date;
  operation: string;
  operationMetrics: Map<string, string> | null;
  userMetadata: string | null;
  isBlindAppend: boolean | null;
};

/** The commits of a Delta table, newest first; only the `limit` newest when given. */
export async function deltaHistory(session: SparkSession, uri: string, options: { limit?: number; execution?: ExecuteOptions } = {}): Promise<DeltaHistoryCommit[]> {
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.trunc(options.limit)}`;
  const rows = await (await session.sql(`DESCRIBE HISTORY ${deltaTable(uri)}${limit}`, undefined, options.execution)).collect<HistoryRow>(options.execution);
  return rows.map((row) => ({
    version: Number(row.version),
    timestamp: row.timestamp,
    operation: row.operation,
    metrics: row.operationMetrics ?? new Map(),
    userMetadata: row.userMetadata ?? undefined,
    blindAppend: row.isBlindAppend === true,
  }));
}

/** Whether the Delta table at `<lakeRoot>/<path>` was created (its log exists). */
export async function deltaTableExists(hdfs: WebHdfs, config: LakeConfig, path: string): Promise<boolean> {
  return (await hdfs.status(`${hdfsPath(config.lakeRoot)}/${path}/_delta_log`))?.type === 'DIRECTORY';
}
