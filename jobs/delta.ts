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

export async function ensureDeltaTable(
  session: SparkSession,
  uri: string,
  columns: Columns,
  options: { partitionedBy?: string; execution?: ExecuteOptions } = {},
): Promise<void> {
  const partitioning = options.partitionedBy ? ` PARTITIONED BY (${options.partitionedBy})` : '';
  await session.sql(`CREATE TABLE IF NOT EXISTS ${deltaTable(uri)} (${columnsDdl(columns)}) USING delta${partitioning}`, undefined, options.execution);
}

export interface DeltaCommit {
  version: number;
  operation: string;
  /** New rows the commit wrote: `numOutputRows` less the rows it only copied from rewritten files. */
  rowsWritten: number;
}

/**
 * Runs a write statement on a table and tells what it committed. Delta makes no commit for a write
 * that changes nothing (an empty insert with nothing to replace): the table's version then stays,
 * and the write wrote no row.
 */
export async function commitWrite(session: SparkSession, uri: string, statement: string, execution: ExecuteOptions = {}): Promise<DeltaCommit> {
  const before = await lastCommit(session, uri, execution);
  await session.sql(statement, undefined, execution);
  const after = await lastCommit(session, uri, execution);
  return after.version === before.version ? { ...before, rowsWritten: 0 } : after;
}

/** The newest commit of a table. Each layer holds its lock, so it is the one the run just made. */
export async function lastCommit(session: SparkSession, uri: string, execution: ExecuteOptions = {}): Promise<DeltaCommit> {
  const [commit] = await (await session.sql(`DESCRIBE HISTORY ${deltaTable(uri)} LIMIT 1`, undefined, execution)).collect<{
    version: bigint;
    operation: string;
    operationMetrics: Map<string, string> | null;
  }>(execution);
  if (!commit) throw new Error(`the Delta table ${uri} has no commit`);
  const metric = (name: string) => Number(commit.operationMetrics?.get(name) ?? 0);
  return { version: Number(commit.version), operation: commit.operation, rowsWritten: metric('numOutputRows') - metric('numCopiedRows') };
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
