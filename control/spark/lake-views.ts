// Makes every lake table queryable by name in a session: `<lakeRoot>/<layer>/<table>` becomes the
// temporary view `<layer>_<table>` (silver_transactions, gold_daily_revenue, ...). Spark cannot
// list directories through SQL, so the tables are found by listing the lake itself: over WebHDFS
// for an hdfs:// root, on the local disk for a file:// root.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LakeError, describeError } from '../errors.js';
import { loadConfig, type LakeConfig } from '../config.js';
import { WebHdfs, hdfsPath } from '../hdfs/webhdfs.js';
import type { DataFrame } from './plan/dataframe.js';
import type { SparkSession } from './session.js';

export const LAYERS = ['bronze', 'silver', 'gold'] as const;

export interface LakeViews {
  /** Views created, e.g. `silver_transactions`. */
  views: string[];
  /** Tables that could not be registered, and why. */
  warnings: string[];
}

export interface LakeTable {
  layer: string;
  table: string;
  /** `<lakeRoot>/<layer>/<table>` */
  uri: string;
}

/**
 * How a table's files are read; undefined leaves the table without a view. By default every table
 * is read as Parquet: a layer stored otherwise (raw CSV in bronze, say) passes its own reader.
 */
export type LakeTableReader = (session: SparkSession, table: LakeTable) => DataFrame | undefined;

const readParquet: LakeTableReader = (session, { uri }) => session.read.parquet(uri);

const TABLE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Registers the lake's tables as temp views of `session`. A lake that does not exist yet has none;
 * a lake that cannot be listed (HDFS down) is a warning, so that queries not about it still run.
 */
export async function registerLakeViews(
  session: SparkSession,
  config: Pick<LakeConfig, 'lakeRoot' | 'webHdfs'> = loadConfig(),
  reader: LakeTableReader = readParquet,
): Promise<LakeViews> {
  const result: LakeViews = { views: [], warnings: [] };
  const tables: LakeTable[] = [];
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
      if (TABLE_NAME.test(table)) tables.push({ layer, table, uri: `${config.lakeRoot}/${layer}/${table}` });
      else result.warnings.push(`${layer}/${table}: not a valid table name, no view`);
    }
  }
  const outcomes = await Promise.allSettled(
    tables.map(async (table) => {
      const df = reader(session, table);
      if (!df) return false;
      await df.createOrReplaceTempView(`${table.layer}_${table.table}`);
      return true;
    }),
  );
  outcomes.forEach((outcome, index) => {
    const { layer, table } = tables[index] as LakeTable;
    if (outcome.status === 'rejected') {
      result.warnings.push(`${layer}/${table}: no view: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
    } else if (outcome.value) result.views.push(`${layer}_${table}`);
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
