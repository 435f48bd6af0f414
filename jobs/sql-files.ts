// The Spark SQL of the layers, one file each: jobs/sql/silver/<table>.sql (and the views they read,
// jobs/sql/silver/views/<view>.sql), jobs/sql/gold/<metric>.sql.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../control/config.js';

const sqlRoot = path.join(repoRoot, 'jobs', 'sql');

/** The query of a silver table or gold metric, without its final `;`. */
export async function layerSql(layer: 'silver' | 'gold', name: string): Promise<string> {
  return (await readFile(path.join(sqlRoot, layer, `${name}.sql`), 'utf8')).trim().replace(/;$/, '');
}

/** The query of a view silver's SQL reads (`silver/views/<view>.sql`). */
export async function silverViewSql(view: string): Promise<string> {
  return layerSql('silver', path.join('views', view));
}

/** A gold metric's merge query (`gold/<metric>.merge.sql`, jobs/sql/README.md), when it has one. */
export async function mergeSql(metric: string): Promise<string | undefined> {
  return readFile(path.join(sqlRoot, 'gold', `${metric}.merge.sql`), 'utf8').then(
    (text) => text.trim().replace(/;$/, ''),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
}
