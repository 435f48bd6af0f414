// The Spark SQL of the layers, one file each: jobs/sql/silver/<table>.sql, jobs/sql/gold/<metric>.sql.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../control/config.js';

const sqlRoot = path.join(repoRoot, 'jobs', 'sql');

/** The query of a silver table or gold metric, without its final `;`. */
export async function layerSql(layer: 'silver' | 'gold', name: string): Promise<string> {
  return (await readFile(path.join(sqlRoot, layer, `${name}.sql`), 'utf8')).trim().replace(/;$/, '');
}
