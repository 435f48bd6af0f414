// Silver: cleans the bronze batches that published silver does not hold yet, with the SQL of
// jobs/sql/silver/, on the cluster. Each source's SQL classifies every new bronze record once:
// valid (a silver row) or quarantined with the first rule it breaks; then a valid record whose key
// an earlier record of the run or silver already holds is a duplicate (silver/duplicates.ts). The
// rows go into the Delta tables `silver/<table>` and `silver/<table>_quarantine`, on top of the
// versions published silver names: whatever a run that died wrote after them is dropped first (so a
// rerun neither loses nor duplicates a record). The conservation law is checked per source on numbers that do not
// come from the cleaning SQL — the records bronze counted when it landed the batches, against the
// rows the Delta commits wrote — and only then is the new layer version published, every table
// at once, through the layer pointer.
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import { runLayer, type LayerRunContext } from '../control/runs/layer-run.js';
import { runsOf, type BronzeRun, type SilverCounts, type SilverRun } from '../control/runs/manifest.js';
import { LayerPointer, type PublishedLayer, type PublishedTable } from '../control/runs/published.js';
import { heldBatches } from '../control/runs/silver-batches.js';
import { SparkError, col, lit, type ExecuteOptions, type SparkSession } from '@lake/spark-connect';
import { layerTables, silver, silverColumns, silverTables, type Columns, type SilverTable } from './catalog.js';
import { allEnded, sideBySide } from '../control/side-by-side.js';
import { commitWrite, lastCommit, lastRowsCommit, deltaTable, ensureDeltaTable, registerPublishedTables, type DeltaCommit } from './delta.js';
import { landedRecords } from './silver/landed-records.js';
import { isSmallDay, registerBronzeViews } from './silver/bronze-views.js';
import { classify } from './silver/classify.js';
import { positionColumns } from './silver/duplicates.js';
import { interpretBelowBytes, interpretedExpressions } from './interpreted.js';

/**
 * The quarantine rows of a source's verdicts, with `raw_record_bytes`: the size of a record whose
 * raw_record holds only its first bytes (`record_too_large`), from the bronze manifests; else null.
 */
function quarantineRows(table: SilverTable, verdicts: string, runId: string): string {
  const columns = `c.raw_record, ${table === 'ad_events' ? 'CAST(NULL AS BIGINT)' : 'o.bytes'} AS raw_record_bytes, c.reason, ${positionColumns.map((column) => `c.${column}`).join(', ')}, '${runId}' AS run_id`;
  const oversized =
    table === 'ad_events'
      ? ''
      : `LEFT JOIN bronze_${table}_oversized o
           ON c.reason = 'record_too_large' AND o.batch_id = c.batch_id AND o.file = c.source_file AND o.line_number = c.line_number`;
  return `SELECT ${columns} FROM (${verdicts}) c ${oversized} WHERE c.reason IS NOT NULL`;
}

export interface SilverOptions {
  execution?: ExecuteOptions;
  log?: (line: string) => void;
  /** Rebuild silver from all of bronze (a changed cleaning rule needs it), not only the new batches. */
  fullRefresh?: boolean;
  /** Below this many bytes of new records a source's lines and verdicts are kept on the executors, not in scratch Parquet (bronze-views.ts). */
  materializeFromBytes?: number;
  /** Below this many bytes of new records in every source the run evaluates its expressions interpreted (interpreted.ts; 4 MiB unless given). */
  interpretBelowBytes?: number;
  /**
   * Compact a silver table's small files once it holds this many (Delta's auto compaction, in the
   * write's own statement): what the many small appends of a stream need. Without it the run
   * leaves the files as written, for `lake maintain` to compact: auto compaction rewrites every
   * file under 64 MB, and a table the Connect server has not compacted yet is compacted at its
   * next write whatever it holds, so a day's files were rewritten right after they were written
   * (a third of a first day's silver at scale s), or at the next small day's run (docs/benchmarks.md).
   */
  compactFromFiles?: number;
}

export async function runSilver(config: LakeConfig, options: SilverOptions = {}): Promise<SilverRun> {
  const log = options.log ?? (() => undefined);
  const execution = options.execution ?? {};
  const fullRefresh = options.fullRefresh ?? false;
  const pointer = (run: LayerRunContext) => new LayerPointer(run.hdfs, run.root, 'silver');
  // Scratch space of a run: each source's classified records and its duplicate keys, read by both
  // commits (silver rows, quarantine), unless the day is small enough to keep them on the executors.
  const staging = (runId: string) => `silver/_staging/${runId}`;
  let publishing: PublishedLayer | undefined;
  return runLayer(config, 'silver', {
    signal: execution.signal,
    undo: (run) => run.hdfs.delete(`${run.root}/${staging(run.runId)}`, true).then(() => undefined),
    publish: async (run) => {
      if (!publishing) return;
      await pointer(run).publish(publishing);
      // A full refresh replaces a lake of the layout before Delta: its Parquet versions go now.
      if (fullRefresh) await run.hdfs.delete(`${run.root}/silver/_versions`, true);
    },
    work: async (run) => {
      const { hdfs, runs, runId, manifest } = run;
      const published = fullRefresh ? undefined : await pointer(run).current();
      const record = await runs.list();
      const bronzeRuns = runsOf(record, 'bronze');
      if (bronzeRuns.length === 0) throw new LakeError(`no bronze batch in ${config.lakeRoot} yet`, 'land the inputs first: `npm run job:bronze`');
      const held = new Set(heldBatches(record, published));
      const batches = bronzeRuns.filter((bronze) => !held.has(bronze.runId));
      manifest.fullRefresh = fullRefresh;
      // The manifest names only this run's batches, and the version it adds them to: what a version
      // holds is derived from those (control/runs/silver-batches.ts), the current one's too.
      manifest.madeFrom = batches.map((bronze) => bronze.runId);
      if (published) manifest.builtOn = published.runId;
      if (batches.length === 0) {
        log('silver: every committed bronze batch is in silver already');
        return 'nothing new';
      }
      // Only the sources with new records are cleaned (a streamed batch holds ad events alone);
      // the others keep the version published silver names.
      const sources = fullRefresh ? silverTables : silverTables.filter((table) => batches.some((bronze) => holdsRecordsOf(bronze, table)));
      log(`silver: ${fullRefresh ? 'rebuilding from' : 'cleaning'} ${batches.length} bronze batch${batches.length === 1 ? '' : 'es'} (${sources.join(', ') || 'no records'})`);

      // Sources whose new records are few enough to keep on the executors between steps (bronze-views.ts).
      const smallDay = new Set(sources.filter((table) => isSmallDay(table, batches, options.materializeFromBytes)));
      const cleanBatches = async () => {
        const session = await run.spark();
        // Delta's auto compaction only where asked (see SilverOptions.compactFromFiles): the
        // session's setting decides, whatever a table's properties say (tables made on
        // 2026-12-05 have `delta.autoOptimize.autoCompact`). One round trip for every setting.
        await session.config.set({
          ...(sources.every((table) => isSmallDay(table, batches, options.interpretBelowBytes ?? interpretBelowBytes)) ? interpretedExpressions : {}),
          ...(options.compactFromFiles === undefined
            ? { 'spark.databricks.delta.autoCompact.enabled': false }
            : { 'spark.databricks.delta.autoCompact.enabled': true, 'spark.databricks.delta.autoCompact.minNumFiles': options.compactFromFiles }),
        });
        // Three independent set-ups, side by side. The numbered lines of the new bronze files are
        // computed once, into the run's scratch space (a small day's onto the executors), and every
        // view silver reads takes them from there. Published silver is read for the keys it holds.
        // A table published silver names exists already (no round trip to make sure). New tables
        // are not partitioned, so that their small files can be compacted (by a stream's runs as
        // they accumulate, by `lake maintain`): a stream appends a few small files a cycle, and a
        // partition per batch would leave every later scan of the table (the keys silver holds)
        // opening thousands of files that nothing could merge. A batch's rows are found by
        // `batch_id` through the files' statistics; tables made before keep their `batch_id`
        // partitions, and both layouts work.
        const keyed = new Set(sources.filter((table) => silver[table].key).map((table) => `silver_${table}`));
        await allEnded([
          registerBronzeViews(session, config, batches, {
            tables: sources,
            materializeIn: `${config.lakeRoot}/${staging(runId)}/lines`,
            materializeFromBytes: options.materializeFromBytes,
            execution,
          }),
          published ? registerPublishedTables(session, hdfs, config, 'silver', published, keyed) : Promise.resolve(),
          sideBySide(
            Object.entries(layerTables('silver')).filter(([table]) => !published?.tables[table]),
            ([table, columns]) => ensureDeltaTable(session, `${config.lakeRoot}/silver/${table}`, columns, { execution, statisticsColumns: statisticsColumns(columns) }),
          ),
        ]);

        // Every batch of this run is a blind append (one Spark job: Delta reads none of the table's
        // state) onto the table as published silver left it. When a commit after the version the
        // pointer names (or after its creation, before any publication) changed rows, a run that
        // died wrote after it: an attempt at these batches, or a late commit of a killed run, whose
        // statement was still running on the Connect server when its process died and may land
        // after a rerun published the same batches. Whatever it was, the table is first restored to
        // the published version (RESTORE: a commit that drops every file added since), so nothing
        // a dead run wrote reaches the version this run publishes. Commits that changed no row
        // (`lake maintain`'s compaction and vacuum) are built on, not undone.
        const incremental = !fullRefresh;
        const asPublished = async (table: string, uri: string) => {
          const { commit } = await lastRowsCommit(hdfs, uri);
          const version = published?.tables[table]?.version;
          return version === undefined ? commit.operation === 'CREATE TABLE' : commit.version <= version;
        };
        const commit = async (table: string, select: string): Promise<DeltaCommit> => {
          const uri = `${config.lakeRoot}/silver/${table}`;
          if (incremental && !(await asPublished(table, uri))) {
            // Before any publication, the version that created the table empty (CREATE TABLE IF NOT EXISTS: 0).
            const version = published?.tables[table]?.version ?? 0;
            await session.sql(`RESTORE TABLE ${deltaTable(uri)} TO VERSION AS OF ${version}`, undefined, execution);
          }
          return commitWrite(session, hdfs, uri, `${incremental ? 'INSERT INTO' : 'INSERT OVERWRITE'} ${deltaTable(uri)}\n${select}`, runId, execution);
        };

        // The sources are independent: they are cleaned side by side.
        return sideBySide(sources, async (table) => {
          log(`silver ${table}: cleaning`);
          const where = smallDay.has(table) ? 'executors' : { folder: `${config.lakeRoot}/${staging(runId)}/${table}` };
          const verdicts = await classify(session, table, where, published !== undefined, execution);
          // Three independent steps on the staged verdicts, side by side; the quarantine's reasons
          // are then counted from what its commit wrote.
          const [rows, [quarantine, reasons], landed] = await allEnded([
            commit(table, `SELECT ${silverColumns[table].join(', ')}, batch_id FROM (${verdicts}) WHERE reason IS NULL`),
            commit(`${table}_quarantine`, quarantineRows(table, verdicts, runId)).then(
              async (written) => [written, await quarantinedReasons(session, `${config.lakeRoot}/silver/${table}_quarantine`, written, runId, execution)] as const,
            ),
            landedRecords(session, table, batches, execution),
          ]);
          const counts = checkConservation(config, table, { ...landed, silverRows: rows.rowsWritten, quarantined: quarantine.rowsWritten, reasons });
          return { table, rows, quarantine, counts };
        });
      };
      const cleaned = await cleanBatches().catch(async (error: unknown) => {
        if (!lostKeptRows(error)) throw error;
        // An executor died with the rows a small day keeps on it, which Spark cannot recompute:
        // the batches are cleaned once more, and what the first attempt committed is replaced.
        log('silver: an executor was lost with the rows the run kept on it; cleaning the batches again');
        return cleanBatches();
      });
      await run.hdfs.delete(`${run.root}/${staging(run.runId)}`, true);

      manifest.silver = Object.fromEntries(cleaned.map(({ table, counts }) => [table, counts]));
      const committed: Record<string, PublishedTable> = {
        ...(await untouchedTables(run, published, sources)),
        ...Object.fromEntries(
          cleaned.flatMap(({ table, rows, quarantine }) => [
            [table, { path: `silver/${table}`, version: rows.version }],
            [`${table}_quarantine`, { path: `silver/${table}_quarantine`, version: quarantine.version }],
          ]),
        ),
      };
      const version = { runId, publishedAt: new Date().toISOString(), tables: committed };
      manifest.published = version;
      publishing = version;
      return 'succeeded';
    },
  });
}

/**
 * The columns of a silver table whose file statistics Delta records: its batch (silver finds a
 * batch's rows by it), its run (a quarantine's), and its times (what readers filter on most).
 * Statistics on every column, Delta's default, made a third of each write's time, the long texts'
 * minimums and maximums above all (docs/benchmarks.md), for filters nobody runs on them.
 */
function statisticsColumns(columns: Columns): string[] {
  return Object.keys(columns).filter((column) => column === 'batch_id' || column === 'run_id' || columns[column] === 'TIMESTAMP');
}

/** Whether a bronze batch landed records of a source. */
function holdsRecordsOf(bronze: BronzeRun, table: SilverTable): boolean {
  return table === 'ad_events' ? (bronze.kafka?.records ?? 0) > 0 : (bronze.files?.[table]?.landed.length ?? 0) > 0;
}

/**
 * The tables of the sources a run did not clean, at the version published silver names, or, before
 * the first publication, at the version that created them empty.
 */
async function untouchedTables(run: LayerRunContext, published: PublishedLayer | undefined, cleaned: readonly SilverTable[]): Promise<Record<string, PublishedTable>> {
  const names = Object.keys(layerTables('silver')).filter((table) => !cleaned.some((source) => table === source || table === `${source}_quarantine`));
  return Object.fromEntries(
    await Promise.all(
      names.map(async (table) => {
        const path = `silver/${table}`;
        return [table, published?.tables[table] ?? { path, version: (await lastCommit(run.hdfs, `${run.root}/${path}`)).version }] as const;
      }),
    ),
  );
}

/** The error of a query over rows a lost executor held (a local checkpoint, classify.ts and bronze-views.ts). */
function lostKeptRows(error: unknown): boolean {
  return error instanceof SparkError && (error.errorClass === 'CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND' || error.message.includes('CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND'));
}

/**
 * The rows a run's quarantine commit wrote, per reason: read back from the files it added (a few
 * columns of few rows) rather than from the verdicts again, which a pass over every record of the
 * run and the duplicates' join would cost. Through Delta at the commit's version when its files
 * are not known as plain Parquet (a compaction moved them).
 */
async function quarantinedReasons(session: SparkSession, uri: string, written: DeltaCommit, runId: string, execution: ExecuteOptions): Promise<Record<string, number>> {
  if (written.rowsWritten === 0) return {};
  const table = written.files
    ? session.read.format('parquet').schema('reason STRING, run_id STRING').load(...written.files)
    : session.read.format('delta').option('versionAsOf', written.version).load(uri);
  const counts = await table
    .where(col('run_id').eq(lit(runId)))
    .groupBy('reason')
    .count()
    .collect<{ reason: string; count: bigint }>(execution);
  return Object.fromEntries(counts.map(({ reason, count }) => [reason, Number(count)]));
}

/** bronze records = silver rows + quarantined rows, or nothing is published. */
function checkConservation(config: LakeConfig, table: SilverTable, counts: SilverCounts): SilverCounts {
  const byReason = Object.values(counts.reasons).reduce((sum, n) => sum + n, 0);
  if (counts.bronzeRecords !== counts.silverRows + counts.quarantined || byReason !== counts.quarantined) {
    throw new LakeError(
      `silver ${table} breaks the conservation law: bronze landed ${counts.bronzeRecords} records but the run wrote ${counts.silverRows} silver rows + ${counts.quarantined} quarantined (${byReason} by reason) (in ${config.lakeRoot})`,
      `nothing was published; the cleaning SQL jobs/sql/silver/${table}.sql lost or duplicated records`,
    );
  }
  return counts;
}
