// A source's classification, as silver runs it: the cleaning SQL of jobs/sql/silver/ once over the
// new bronze records (every record with the first rule it breaks), staged, then the duplicate keys
// (silver/duplicates.ts), staged too. What it returns is the SQL of the final verdicts, which the
// commits (and the tests) read.
import type { ExecuteOptions, SparkSession } from '@lake/spark-connect';
import type { SilverTable } from '../catalog.js';
import { sqlString } from '../delta.js';
import { layerSql } from '../sql-files.js';
import { duplicateKeysSql, verdictsSql } from './duplicates.js';

/**
 * Where a step's rows are kept for the steps that read them: a scratch folder of Parquet (`folder`,
 * which the caller removes), or, for a small day, the executors (`localCheckpoint`, freed with the
 * session): no files to write, commit, list and read back.
 */
export type Staging = { folder: string } | 'executors';

/**
 * Classifies the records of the registered bronze views of `table` and returns the SQL of every
 * record's verdict. `withHistory`: published silver's view `silver_<table>` holds keys a new record
 * may not take again.
 */
export async function classify(session: SparkSession, table: SilverTable, staging: Staging, withHistory: boolean, execution: ExecuteOptions = {}): Promise<string> {
  const staged = await stage(session, await layerSql('silver', table), staging, `staged_${table}`, '', execution);
  // A day kept on the executors is small (bronze-views.ts): its keys are few enough to broadcast.
  const duplicateKeys = duplicateKeysSql(table, staged, withHistory, staging === 'executors');
  if (!duplicateKeys) return verdictsSql(table, staged, undefined);
  return verdictsSql(table, staged, await stage(session, duplicateKeys, staging, `staged_${table}_duplicates`, '_duplicates', execution));
}

/** Computes `query` once where `staging` says; returns the SQL relation that reads its rows. */
async function stage(session: SparkSession, query: string, staging: Staging, view: string, suffix: string, execution: ExecuteOptions): Promise<string> {
  if (staging === 'executors') {
    await (await session.query(query).localCheckpoint(execution)).createOrReplaceTempView(view);
    return view;
  }
  const folder = `${staging.folder}${suffix}`;
  await session.sql(`INSERT OVERWRITE DIRECTORY ${sqlString(folder)} USING parquet\n${query}`, undefined, execution);
  return `parquet.\`${folder}\``;
}
