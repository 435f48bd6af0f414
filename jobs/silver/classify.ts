// A source's classification, as silver runs it: the cleaning SQL of jobs/sql/silver/ once over the
// new bronze records into scratch Parquet (every record with the first rule it breaks), then the
// duplicate keys (silver/duplicates.ts). What it returns is the SQL of the final verdicts, which
// the commits (and the tests) read.
import type { ExecuteOptions, SparkSession } from '../../control/spark/index.js';
import type { SilverTable } from '../catalog.js';
import { sqlString } from '../delta.js';
import { layerSql } from '../sql-files.js';
import { duplicateKeysSql, verdictsSql } from './duplicates.js';

/**
 * Classifies the records of the registered bronze views of `table` into `staged` (a scratch folder
 * the caller removes) and returns the SQL of every record's verdict. `withHistory`: published
 * silver's view `silver_<table>` holds keys a new record may not take again.
 */
export async function classify(session: SparkSession, table: SilverTable, staged: string, withHistory: boolean, execution: ExecuteOptions = {}): Promise<string> {
  await session.sql(`INSERT OVERWRITE DIRECTORY ${sqlString(staged)} USING parquet\n${await layerSql('silver', table)}`, undefined, execution);
  const duplicateKeys = duplicateKeysSql(table, staged, withHistory);
  if (!duplicateKeys) return verdictsSql(table, staged, undefined);
  const duplicates = `${staged}_duplicates`;
  await session.sql(`INSERT OVERWRITE DIRECTORY ${sqlString(duplicates)} USING parquet\n${duplicateKeys}`, undefined, execution);
  return verdictsSql(table, staged, duplicates);
}
