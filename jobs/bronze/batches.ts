// Where a bronze batch lives: `bronze/<table>/batch_id=<runId>/`, relative to the lake root. The
// `batch_id=` form lets Spark read a whole table with the batch as a partition column.
export const BATCH_PREFIX = 'batch_id=';

export function batchFolder(table: string, runId: string): string {
  return `bronze/${table}/${BATCH_PREFIX}${runId}`;
}
