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
 * Runs a write statement (INSERT, INSERT OVERWRITE, REPLACE WHERE: a Delta `WRITE`) of run `runId`
 * on a table and tells what it committed, in one more round trip: the newest commit is the
 * statement's when it is a WRITE carrying the run's id (every commit of a run's session carries it,
 * see control/runs/layer-run.ts, and a run writes each table once). Delta makes no commit for a
 * write that changes nothing (an empty insert with nothing to replace): the table's version then
 * stays, and the write wrote no row.
 */
export async function commitWrite(session: SparkSession, uri: string, statement: string, runId: string, execution: ExecuteOptions = {}): Promise<DeltaCommit> {
  await session.sql(statement, undefined, execution);
  const commit = await lastCommit(session, uri, execution);
  return commit.operation === 'WRITE' && commit.runId === runId ? commit : { ...commit, rowsWritten: 0 };
}

/** The newest commit of a table. */
export async function lastCommit(session: SparkSession, uri: string, execution: ExecuteOptions = {}): Promise<DeltaCommit & { runId: string | null }> {
  const [commit] = await (await session.sql(`DESCRIBE HISTORY ${deltaTable(uri)} LIMIT 1`, undefined, execution)).collect<{
    version: bigint;
    operation: string;
    operationMetrics: Map<string, string> | null;
    userMetadata: string | null;
  }>(execution);
  if (!commit) throw new Error(`the Delta table ${uri} has no commit`);
  const metric = (name: string) => Number(commit.operationMetrics?.get(name) ?? 0);
  return {
    version: Number(commit.version),
    operation: commit.operation,
    rowsWritten: metric('numOutputRows') - metric('numCopiedRows'),
    runId: commit.userMetadata,
  };
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
