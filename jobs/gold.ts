// Gold: the four metrics of the contract, each one SQL file of jobs/sql/gold/, computed on the
// cluster from the published silver version (every silver table read at the Delta version it
// names), written into the Delta tables `gold/<metric>`, and published atomically through the
// gold pointer, which names the run that made it and the silver it came from. Only a metric whose
// silver tables changed since it was computed is computed again (a streamed batch of ad events
// moves the campaign metrics alone); the others keep their published version. A metric is
// recomputed from the silver snapshot (exact, averages included; up to scale m as fast as merging,
// `npm run bench:gold`) unless its measures add up and it has a merge query
// (`<metric>.merge.sql`): then, when silver only appended batches since, the published metric is
// merged with those batches' rows, so that a day's gold or a stream's cycle reads the new rows, not
// the history (docs/benchmarks.md measured a cycle's gold grow from 2.4 to 4.5 s on a lake of a
// million events when it recomputed; a day's gold at scales s and m took the same time both ways).
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import { runLayer } from '../control/runs/layer-run.js';
import type { GoldRun, RunManifest } from '../control/runs/manifest.js';
import { rowBatchesOf } from '../control/runs/silver-batches.js';
import { LayerPointer, tableUri, type PublishedLayer, type PublishedTable } from '../control/runs/published.js';
import type { ExecuteOptions, SparkSession } from '@lake/spark-connect';
import { gold, goldTables, layerTables, type GoldTable } from './catalog.js';
import { lakeViewsNamedIn } from './lake-views.js';
import { sideBySide } from '../control/side-by-side.js';
import { layerSql, mergeSql } from './sql-files.js';
import { appendedBatches, commitWrite, deltaTable, ensureDeltaTable, registerPublishedTables, registerTableAt, sqlString, tableSizeBytes, type Appended } from './delta.js';
import { interpretedExpressions } from './interpreted.js';

export { goldTables, type GoldTable } from './catalog.js';

/** The version of each silver table a metric's query reads, in the published silver. */
function silverInputs(query: string, silver: PublishedLayer): Record<string, number> {
  const read = lakeViewsNamedIn(query);
  return Object.fromEntries(Object.entries(silver.tables).filter(([table]) => read?.has(`silver_${table}`) ?? true).map(([table, { version }]) => [table, version]));
}

function sameInputs(computedFrom: Record<string, number> | undefined, now: Record<string, number>): boolean {
  return computedFrom !== undefined && Object.keys(now).length === Object.keys(computedFrom).length && Object.entries(now).every(([table, version]) => computedFrom[table] === version);
}

/**
 * Below this many bytes of silver rows read, gold evaluates its expressions interpreted
 * (jobs/interpreted.ts). Measured (docs/benchmarks.md, 2026-12-04): a gold over 6–11 MB of a
 * scale s silver ran in about 3.3 s interpreted against 4.3–5.0 s compiled; over 48 and 98 MB of
 * a scale m silver, interpreted was about a tenth slower.
 */
const defaultInterpretBelowBytes = 16 * 1024 ** 2;

export interface GoldOptions {
  execution?: ExecuteOptions;
  log?: (line: string) => void;
  /** Recompute even when gold is up to date with the published silver. */
  fullRefresh?: boolean;
  /** Below this many bytes of silver read, expressions are interpreted (16 MiB unless given; 0: always compiled). */
  interpretBelowBytes?: number;
}

export async function runGold(config: LakeConfig, options: GoldOptions = {}): Promise<GoldRun> {
  const log = options.log ?? (() => undefined);
  const execution = options.execution ?? {};
  const fullRefresh = options.fullRefresh ?? false;
  const interpretBelowBytes = options.interpretBelowBytes ?? defaultInterpretBelowBytes;
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
      if (previous?.madeFrom?.[0] === silver.runId) {
        log(`gold: already computed from silver ${silver.runId}`);
        return 'nothing new';
      }
      const queries = Object.fromEntries(await sideBySide(goldTables, async (table) => [table, await layerSql('gold', table)] as const)) as Record<GoldTable, string>;
      const inputs = (table: GoldTable) => silverInputs(queries[table], silver);
      const stale = goldTables.filter((table) => fullRefresh || !sameInputs(previous?.tables[table]?.inputs, inputs(table)));
      log(`gold: computing ${stale.join(', ') || 'nothing (no metric reads a changed silver table)'}`);

      // The `batch_id` values of the rows a silver run wrote, from the run manifests.
      let manifests: Map<string, RunManifest> | undefined;
      const batchesOfRun = async (id: string) => {
        manifests ??= new Map((await run.runs.list()).map((entry) => [entry.runId, entry]));
        return rowBatchesOf(manifests, id);
      };

      /**
       * A metric's merge, when it can be: its merge query, and the batches each silver table it
       * reads appended since the metric was computed (none of them overwritten or restored).
       */
      const mergeOf = async (table: GoldTable): Promise<{ query: string; added: Record<string, Appended> } | undefined> => {
        const computedFrom = previous?.tables[table]?.inputs;
        const query = computedFrom && !fullRefresh ? await mergeSql(table) : undefined;
        if (!query || !computedFrom) return undefined;
        const added: Record<string, Appended> = {};
        for (const [input, version] of Object.entries(inputs(table))) {
          const since = computedFrom[input];
          const appended = since === undefined || since > version ? undefined : await appendedBatches(hdfs, tableUri(config, silver.tables[input]!), since, version, batchesOfRun);
          if (!appended) return undefined;
          added[input] = appended;
        }
        return { query, added };
      };
      const merges = new Map(await sideBySide(stale, async (table) => [table, await mergeOf(table)] as const));

      /**
       * The bytes of silver rows the stale metrics read: the whole table at its published version
       * for a recomputed metric (each table counted once), the added files for a merged one.
       * Unknown sizes (a table without checksums) count as large.
       */
      const bytesRead = async (metrics: readonly GoldTable[]): Promise<number> => {
        const recomputedInputs = new Set(metrics.filter((table) => !merges.get(table)).flatMap((table) => Object.keys(inputs(table))));
        const sizes = await sideBySide([...recomputedInputs], (input) => tableSizeBytes(hdfs, tableUri(config, silver.tables[input]!), silver.tables[input]!.version));
        const merged = metrics.flatMap((table) => Object.values(merges.get(table)?.added ?? {}).map((appended) => appended.bytes));
        return [...sizes, ...merged].reduce<number>((sum, bytes) => sum + (bytes ?? Infinity), 0);
      };

      /** The CTEs of a merge: the metric as gold published it, and each silver input's added rows. */
      const mergeCtes = async (session: SparkSession, table: GoldTable, added: Record<string, Appended>): Promise<string[]> => {
        const published = previous!.tables[table]!;
        const metric = registerTableAt(session, hdfs, `merged_gold_${table}`, { uri: tableUri(config, published), version: published.version, columns: gold[table].columns });
        const inputs = Object.entries(added).map(async ([input, { batches, files }]) => {
          const owned = batches.length > 0 ? `batch_id IN (${batches.map(sqlString).join(', ')})` : 'false';
          const view = `merged_${table}_silver_${input}_added`;
          await registerTableAt(session, hdfs, view, { uri: tableUri(config, silver.tables[input]!), version: silver.tables[input]!.version, columns: layerTables('silver')[input]!, files });
          return `silver_${input}_added AS (SELECT * FROM ${view} WHERE ${owned})`;
        });
        return Promise.all([metric.then(() => `gold_${table} AS (SELECT * FROM merged_gold_${table})`), ...inputs]);
      };

      const compute = async (session: SparkSession) => {
        // Only the silver tables the recomputed metrics read.
        const recomputed = stale.filter((table) => !merges.get(table));
        if (recomputed.length > 0) await registerPublishedTables(session, hdfs, config, 'silver', silver, lakeViewsNamedIn(recomputed.map((table) => queries[table]).join('\n')));
        // The metrics are independent: they go to Spark side by side.
        return sideBySide(stale, async (table) => {
          const merge = merges.get(table);
          const added = merge && Object.values(merge.added).flatMap((appended) => appended.batches).length;
          log(merge ? `gold ${table}: merged with the ${added} silver batch${added === 1 ? '' : 'es'} added since` : `gold ${table}`);
          const uri = `${config.lakeRoot}/gold/${table}`;
          // A table that published gold names exists already (no round trip to make sure).
          if (!previous?.tables[table]) await ensureDeltaTable(session, uri, gold[table].columns, { execution });
          // A merge names the published metric and the added silver rows as the CTEs its query reads.
          const mergeInputs = merge && (await mergeCtes(session, table, merge.added));
          // Gold tables are small: coalescing the sorted result into one file keeps the key order.
          const statement = `INSERT OVERWRITE ${deltaTable(uri)}\n${mergeInputs ? `WITH ${mergeInputs.join(',\n')}\n` : ''}SELECT /*+ COALESCE(1) */ * FROM (\n${merge?.query ?? queries[table]}\n) AS metric`;
          return [table, await commitWrite(session, hdfs, uri, statement, runId, execution)] as const;
        });
      };
      const session = stale.length > 0 ? await run.spark() : undefined;
      if (session) {
        const bytes = await bytesRead(stale);
        const interpreted = bytes < interpretBelowBytes;
        if (interpreted) log(`gold: ${(bytes / 1024 ** 2).toFixed(1)} MiB of silver to read, expressions interpreted`);
        // A metric is a few rows a key, and its aggregation adds up the partial sums each task made:
        // one reduce task gathers them, and the metric's sort needs no sampling job to split its
        // keys into ranges (one Spark job less for each metric written; docs/benchmarks.md).
        await session.config.set({ 'spark.sql.shuffle.partitions': 1, ...(interpreted ? interpretedExpressions : {}) });
      }
      const commits = session ? await compute(session) : [];
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
