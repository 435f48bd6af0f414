// Gold: the four metrics of the contract, each one SQL file of jobs/sql/gold/, computed on the
// cluster from the published silver version (every silver table read at the Delta version it
// names), written into the Delta tables `gold/<metric>`, and published atomically through the
// gold pointer, which names the run that made it and the silver it came from. Gold is small:
// recomputing a metric from the silver snapshot is exact (averages included), and up to scale m as
// fast as merging the new batches' aggregates, which would need hidden state columns
// (`npm run bench:gold`, docs/benchmarks.md), so a run recomputes a metric whole — but only a
// metric whose silver tables changed since it was computed (a streamed batch of ad events moves
// the campaign metrics alone); the others keep their published version.
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import { runLayer } from '../control/runs/layer-run.js';
import type { GoldRun } from '../control/runs/manifest.js';
import { LayerPointer, registerPublishedViews, type PublishedLayer, type PublishedTable } from '../control/runs/published.js';
import type { ExecuteOptions, SparkSession } from '../control/spark/index.js';
import { gold, goldTables, type GoldTable } from './catalog.js';
import { lakeViewsNamedIn } from './lake-views.js';
import { sideBySide } from '../control/side-by-side.js';
import { layerSql } from './sql-files.js';
import { commitWrite, deltaTable, ensureDeltaTable } from './delta.js';

export { goldTables, type GoldTable } from './catalog.js';

/** The version of each silver table a metric's query reads, in the published silver. */
function silverInputs(query: string, silver: PublishedLayer): Record<string, number> {
  const read = lakeViewsNamedIn(query);
  return Object.fromEntries(Object.entries(silver.tables).filter(([table]) => read?.has(`silver_${table}`) ?? true).map(([table, { version }]) => [table, version]));
}

function sameInputs(computedFrom: Record<string, number> | undefined, now: Record<string, number>): boolean {
  return computedFrom !== undefined && Object.keys(now).length === Object.keys(computedFrom).length && Object.entries(now).every(([table, version]) => computedFrom[table] === version);
}

export interface GoldOptions {
  execution?: ExecuteOptions;
  log?: (line: string) => void;
  /** Recompute even when gold is up to date with the published silver. */
  fullRefresh?: boolean;
}

export async function runGold(config: LakeConfig, options: GoldOptions = {}): Promise<GoldRun> {
  const log = options.log ?? (() => undefined);
  const execution = options.execution ?? {};
  const fullRefresh = options.fullRefresh ?? false;
  let publishing: PublishedLayer | undefined;
  return runLayer(config, 'gold', {
    signal: execution.signal,
    undo: async () => undefined,
    publish: async ({ hdfs, root }) => {
      if (!publishing) return;
      await new LayerPointer(hdfs, root, 'gold').publish(publishing);
      if (fullRefresh) await hdfs.delete(`${root}/gold/_versions`, true);
    },
    work: async (run) => {
      const { hdfs, root, runId, manifest } = run;
      const silver = await new LayerPointer(hdfs, root, 'silver').current();
      if (!silver) throw new LakeError(`no silver version in ${config.lakeRoot} yet`, 'clean the inputs first: `npm run job:silver`');
      manifest.fullRefresh = fullRefresh;
      manifest.madeFrom = [silver.runId];
      const previous = fullRefresh ? undefined : await new LayerPointer(hdfs, root, 'gold').current();
      if (previous?.madeFrom[0] === silver.runId) {
        log(`gold: already computed from silver ${silver.runId}`);
        return 'nothing new';
      }
      const queries = Object.fromEntries(await sideBySide(goldTables, async (table) => [table, await layerSql('gold', table)] as const)) as Record<GoldTable, string>;
      const inputs = (table: GoldTable) => silverInputs(queries[table], silver);
      const stale = goldTables.filter((table) => fullRefresh || !sameInputs(previous?.tables[table]?.inputs, inputs(table)));
      log(`gold: computing ${stale.join(', ') || 'nothing (no metric reads a changed silver table)'}`);
      const compute = async (session: SparkSession) => {
        // Only the silver tables the metrics read.
        await registerPublishedViews(session, config, 'silver', silver, lakeViewsNamedIn(stale.map((table) => queries[table]).join('\n')));
        // The metrics are independent: they go to Spark side by side.
        return sideBySide(stale, async (table) => {
          log(`gold ${table}`);
          const uri = `${config.lakeRoot}/gold/${table}`;
          // A table that published gold names exists already (no round trip to make sure).
          if (!previous?.tables[table]) await ensureDeltaTable(session, uri, gold[table].columns, { execution });
          // Gold tables are small: coalescing the sorted result into one file keeps the key order.
          const statement = `INSERT OVERWRITE ${deltaTable(uri)}\nSELECT /*+ COALESCE(1) */ * FROM (\n${queries[table]}\n) AS metric`;
          return [table, await commitWrite(session, hdfs, uri, statement, runId, execution)] as const;
        });
      };
      const commits = stale.length > 0 ? await compute(await run.spark()) : [];
      const tables: Record<string, PublishedTable> = {
        ...previous?.tables,
        ...Object.fromEntries(commits.map(([table, commit]) => [table, { path: `gold/${table}`, version: commit.version, inputs: inputs(table) }])),
      };
      manifest.gold = Object.fromEntries(commits.map(([table, commit]) => [table, { rows: commit.rowsWritten }]));
      publishing = { runId, publishedAt: new Date().toISOString(), tables, madeFrom: [silver.runId] };
      manifest.published = publishing;
      return 'succeeded';
    },
  });
}
