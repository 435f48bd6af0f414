// Duplicates, resolved apart from the cleaning SQL and without moving whole records: the cleaning
// SQL of a source gives every record its first broken rule (or none), and this step finds, among
// the valid records, those whose key is taken — by an earlier record of the same run in landing
// order, or by a row already in published silver — from the key and position columns alone.
//
// A window over every record (`row_number() OVER (PARTITION BY key ORDER BY position)`) would sort
// and shuffle whole records, raw text included, and at scale l that sort spills for minutes. Here
// the staged verdicts are aggregated by key (a few bytes a record), the keys that occur more than
// once or are in silver are kept (few: they are the duplicates), and each record is then checked
// against that small table, which Spark broadcasts when it is small.
import { quarantineColumns, silver, silverColumns, type SilverTable } from '../catalog.js';
import { sqlString } from '../delta.js';

/**
 * Where a record came from, in landing order: batch, then file path, line and array element (files)
 * or Kafka partition and offset (events). Null parts sort first, as they do in `ORDER BY`.
 */
export const positionColumns = Object.keys(quarantineColumns).filter((column) => !['raw_record', 'raw_record_bytes', 'reason', 'run_id'].includes(column));

const position = (alias: string) => `struct(${positionColumns.map((column) => `${alias}.${column}`).join(', ')})`;

/**
 * The SQL that lists the duplicate keys of a source's staged verdicts (`staged`, a relation): each key
 * that more than one valid record carries, or that published silver holds (its view
 * `silver_<table>`, when `withHistory`), with the position of its first valid record and whether
 * silver holds it. Undefined for a source without a key.
 *
 * `fewNewKeys`: the run's keys are few enough to send to every task (a small day's, kept on the
 * executors). Then silver's keys are only scanned and probed against them. Without the hint Spark
 * plans a sort-merge join, because it cannot size the staged rows, and shuffles all of silver's
 * keys on every run, a cost that grows with the history instead of the day. Adaptive execution
 * turns the join into a broadcast only after that shuffle.
 */
export function duplicateKeysSql(table: SilverTable, staged: string, withHistory: boolean, fewNewKeys = false): string | undefined {
  const key = silver[table].key;
  if (!key) return undefined;
  const valid = `SELECT ${key} AS key, min(${position('s')}) AS first, count(*) AS n FROM ${staged} s WHERE s.reason IS NULL GROUP BY ${key}`;
  if (!withHistory) return `SELECT key, first, false AS in_silver FROM (${valid}) WHERE n > 1`;
  const broadcast = (relation: string) => (fewNewKeys ? `/*+ BROADCAST(${relation}) */ ` : '');
  // Which new keys silver holds: a semi join that keeps silver's side streaming and the new keys
  // as its build side. The keys it finds are at most the new ones.
  return `WITH valid AS (${valid}),
    held AS (SELECT ${broadcast('v')}h.${key} AS key FROM silver_${table} h LEFT SEMI JOIN valid v ON h.${key} = v.key)
    SELECT ${broadcast('held')}v.key, v.first, held.key IS NOT NULL AS in_silver
    FROM valid v LEFT JOIN held ON v.key = held.key
    WHERE v.n > 1 OR held.key IS NOT NULL`;
}

/**
 * Every staged record with its final verdict: a valid record whose key is in the duplicate keys
 * (`duplicates`, a relation of the rows of duplicateKeysSql) is quarantined as `duplicate:<key>` unless it is
 * the key's first valid record and silver does not hold the key yet.
 */
export function verdictsSql(table: SilverTable, staged: string, duplicates: string | undefined): string {
  const key = silver[table].key;
  if (!key || !duplicates) return `SELECT * FROM ${staged}`;
  const verdict = `CASE WHEN c.reason IS NULL AND d.key IS NOT NULL AND (d.in_silver OR NOT (${position('c')} <=> d.first))
        THEN ${sqlString(`duplicate:${key}`)} ELSE c.reason END AS reason`;
  // The columns in the order of the cleaning SQL's output (jobs/sql/README.md).
  const columns = [...silverColumns[table], 'reason', 'raw_record', ...positionColumns.filter((column) => !silverColumns[table].includes(column))];
  return `SELECT ${columns.map((column) => (column === 'reason' ? verdict : `c.${column}`)).join(', ')}
    FROM ${staged} c LEFT JOIN ${duplicates} d ON c.${key} = d.key`;
}
