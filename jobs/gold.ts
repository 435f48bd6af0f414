// Gold: the four metrics of the contract, each one SQL file of jobs/sql/gold/, computed on the
// cluster from the current silver version only, and published atomically as a new gold version
// that names the run that made it and the silver it came from.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LakeConfig } from '../control/config.js';
import { LakeError, describeError } from '../control/errors.js';
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { LayerLock } from '../control/runs/lock.js';
import { RunStore, type RunManifest } from '../control/runs/manifest.js';
import { newRunId } from '../control/runs/run-id.js';
import { LayerVersions } from '../control/runs/versions.js';
import { SparkSession, type ExecuteOptions } from '../control/spark/index.js';
import { silverTables } from './silver.js';

export const goldTables = ['total_sales_per_product', 'status_code_counts', 'avg_likes_per_product', 'campaign_metrics'] as const;
export type GoldTable = (typeof goldTables)[number];

const sqlFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql', 'gold');

export interface GoldOptions {
  execution?: ExecuteOptions;
  log?: (line: string) => void;
  /** Versions of gold kept besides the current one (default 2). */
  keepVersions?: number;
}

export async function runGold(config: LakeConfig, options: GoldOptions = {}): Promise<RunManifest> {
  const log = options.log ?? (() => undefined);
  const execution = options.execution ?? {};
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const runs = new RunStore(hdfs, root);
  const versions = new LayerVersions(hdfs, root, 'gold');
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const manifest: RunManifest = { runId, layer: 'gold', startedAt, endedAt: startedAt, outcome: 'failed' };
  const lock = await LayerLock.acquire(hdfs, root, 'gold', runId);
  let session: SparkSession | undefined;
  try {
    const silver = await new LayerVersions(hdfs, root, 'silver').current();
    if (!silver) throw new LakeError(`no silver version in ${config.lakeRoot} yet`, 'clean the inputs first: `npm run job:silver`');
    session = await SparkSession.connect(config.sparkRemote);
    for (const table of silverTables) {
      const folder = silver.tables[table];
      if (!folder) throw new LakeError(`the current silver version ${silver.runId} has no table ${table}`, 'run `npm run job:silver` again');
      await session.read.format('parquet').load(`${config.lakeRoot}/${folder}`).createOrReplaceTempView(`silver_${table}`);
    }

    const folder = versions.folder(runId);
    const tables: Record<string, string> = {};
    manifest.gold = {};
    for (const table of goldTables) {
      log(`gold ${table}`);
      const query = (await readFile(path.join(sqlFolder, `${table}.sql`), 'utf8')).trim().replace(/;$/, '');
      // One file per metric: gold tables are small, and coalescing the sorted result into one
      // partition keeps the key order in the file.
      const metric = await session.sql(`SELECT /*+ COALESCE(1) */ * FROM (\n${query}\n) AS metric`, undefined, execution);
      await metric.write.format('parquet').mode('overwrite').save(`${config.lakeRoot}/${folder}/${table}`, execution);
      tables[table] = `${folder}/${table}`;
      manifest.gold[table] = { rows: Number(await session.read.format('parquet').load(`${config.lakeRoot}/${folder}/${table}`).count(execution)) };
    }

    manifest.version = folder;
    manifest.madeFrom = [silver.runId];
    await versions.publish({ runId, publishedAt: new Date().toISOString(), tables, madeFrom: manifest.madeFrom });
    const removed = await versions.prune((options.keepVersions ?? 2) + 1);
    if (removed.length > 0) log(`removed old gold versions: ${removed.join(', ')}`);
    manifest.outcome = 'succeeded';
    manifest.endedAt = new Date().toISOString();
    await runs.save(manifest);
    return manifest;
  } catch (error) {
    manifest.outcome = 'failed';
    manifest.error = describeError(error);
    manifest.endedAt = new Date().toISOString();
    await runs.save(manifest).catch(() => undefined);
    await versions.discard(runId).catch(() => undefined);
    throw error;
  } finally {
    await session?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}
