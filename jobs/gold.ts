// Gold: the four metrics of the contract, each one SQL file of jobs/sql/gold/, computed on the
// cluster from the current silver version only, and published atomically as a new gold version
// that names the run that made it and the silver it came from.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import { runLayer, type LayerRunContext } from '../control/runs/layer-run.js';
import type { RunManifest } from '../control/runs/manifest.js';
import { LayerVersions, publishVersion } from '../control/runs/versions.js';
import type { ExecuteOptions } from '../control/spark/index.js';
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
  const versions = (run: LayerRunContext) => new LayerVersions(run.hdfs, run.root, 'gold');
  return runLayer(config, 'gold', {
    undo: (run) => versions(run).discard(run.runId),
    work: async (run): Promise<'succeeded'> => {
      const { runId, manifest } = run;
      const silver = await new LayerVersions(run.hdfs, run.root, 'silver').current();
      if (!silver) throw new LakeError(`no silver version in ${config.lakeRoot} yet`, 'clean the inputs first: `npm run job:silver`');
      const session = await run.spark();
      for (const table of silverTables) {
        const folder = silver.tables[table];
        if (!folder) throw new LakeError(`the current silver version ${silver.runId} has no table ${table}`, 'run `npm run job:silver` again');
        await session.read.format('parquet').load(`${config.lakeRoot}/${folder}`).createOrReplaceTempView(`silver_${table}`);
      }

      const folder = versions(run).folder(runId);
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
      await publishVersion(versions(run), { runId, publishedAt: new Date().toISOString(), tables, madeFrom: manifest.madeFrom }, options.keepVersions, log);
      return 'succeeded';
    },
  });
}
