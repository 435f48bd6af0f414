// Makes every lake table queryable by name in a session: `<lakeRoot>/<layer>/<table>` becomes the
// temporary view `<layer>_<table>` (silver_transactions, gold_daily_revenue, ...). Spark cannot
// list directories through SQL, so the tables are found by listing the lake itself: over WebHDFS
// for an hdfs:// root, on the local disk for a file:// root.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LakeError, describeError } from '../errors.js';
import { loadConfig, type LakeConfig } from '../config.js';
import { WebHdfs, hdfsPath } from '../hdfs/webhdfs.js';
import type { SparkSession } from './session.js';

export const LAYERS = ['bronze', 'silver', 'gold'] as const;

export interface LakeViews {
  /** Views created, e.g. `silver_transactions`. */
  views: string[];
  /** Tables that could not be registered, and why. */
  warnings: string[];
}

const TABLE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Registers the lake's tables as temp views of `session`. A lake that does not exist yet has none;
 * a lake that cannot be listed (HDFS down) is a warning, so that queries not about it still run.
 */
export async function registerLakeViews(
  session: SparkSession,
  config: Pick<LakeConfig, 'lakeRoot' | 'webHdfs'> = loadConfig(),
): Promise<LakeViews> {
  const result: LakeViews = { views: [], warnings: [] };
  const tables: { layer: string; table: string }[] = [];
  for (const layer of LAYERS) {
    let directories: string[];
    try {
      directories = await listDirectories(`${config.lakeRoot}/${layer}`, config.webHdfs);
    } catch (error) {
      result.warnings.push(error instanceof LakeError ? describeError(error) : `cannot list ${config.lakeRoot}/${layer}: ${String(error)}`);
      return result;
    }
    for (const table of directories) {
      if (table.startsWith('_') || table.startsWith('.')) continue;
      if (TABLE_NAME.test(table)) tables.push({ layer, table });
      else result.warnings.push(`${layer}/${table}: not a valid table name, no view`);
    }
  }
  const outcomes = await Promise.allSettled(
    tables.map(({ layer, table }) =>
      session.read.parquet(`${config.lakeRoot}/${layer}/${table}`).createOrReplaceTempView(`${layer}_${table}`),
    ),
  );
  outcomes.forEach((outcome, index) => {
    const { layer, table } = tables[index] as { layer: string; table: string };
    if (outcome.status === 'fulfilled') result.views.push(`${layer}_${table}`);
    else result.warnings.push(`${layer}/${table}: no view: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
  });
  return result;
}

/** Names of the sub-directories of `uri`; none when it does not exist. */
export async function listDirectories(uri: string, webHdfs: string): Promise<string[]> {
  const url = new URL(uri);
  if (url.protocol === 'file:') return listLocal(fileURLToPath(url));
  if (url.protocol === 'hdfs:') {
    const entries = await new WebHdfs(webHdfs).list(hdfsPath(uri));
    return entries.filter((entry) => entry.type === 'DIRECTORY').map((entry) => entry.pathSuffix).sort();
  }
  throw new LakeError(`cannot list the lake at ${uri}: only hdfs:// and file:// roots can be listed`, 'set LAKE_ROOT to an hdfs:// or file:// URI');
}

async function listLocal(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
