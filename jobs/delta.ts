// The few Delta Lake operations the layers need, in Spark SQL over Spark Connect: create a table
// with the contract's schema (Delta then enforces it on every write) and read back what the
// latest commit did (its version and rows written, from the commit's own metrics — no second
// scan of what was just written).
import { columnsDdl, type Columns } from './catalog.js';
import type { ExecuteOptions, SparkSession } from '../control/spark/index.js';

/** The SQL name of a path table: delta.`hdfs://…`. */
export function deltaTable(uri: string): string {
  return `delta.\`${uri}\``;
}

export async function ensureDeltaTable(session: SparkSession, uri: string, columns: Columns, execution: ExecuteOptions = {}): Promise<void> {
  await session.sql(`CREATE TABLE IF NOT EXISTS ${deltaTable(uri)} (${columnsDdl(columns)}) USING delta`, undefined, execution);
}

export interface DeltaCommit {
  version: number;
  operation: string;
  /** Rows the commit wrote (`numOutputRows`), 0 when it wrote none. */
  rowsWritten: number;
}

/** The newest commit of a table. Each layer holds its lock, so it is the one the run just made. */
export async function lastCommit(session: SparkSession, uri: string, execution: ExecuteOptions = {}): Promise<DeltaCommit> {
  const [commit] = await (await session.sql(`DESCRIBE HISTORY ${deltaTable(uri)} LIMIT 1`, undefined, execution)).collect<{
    version: bigint;
    operation: string;
    operationMetrics: Map<string, string> | null;
  }>(execution);
  if (!commit) throw new Error(`the Delta table ${uri} has no commit`);
  return { version: Number(commit.version), operation: commit.operation, rowsWritten: Number(commit.operationMetrics?.get('numOutputRows') ?? 0) };
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
