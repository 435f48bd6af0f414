// The Spark SQL of the layers, one file each: jobs/sql/silver/<table>.sql, jobs/sql/gold/<metric>.sql.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sqlRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql');

/** The query of a silver table or gold metric, without its final `;`. */
export async function layerSql(layer: 'silver' | 'gold', name: string): Promise<string> {
  return (await readFile(path.join(sqlRoot, layer, `${name}.sql`), 'utf8')).trim().replace(/;$/, '');
}
