// Silver: cleans every committed bronze batch with the SQL of jobs/sql/silver/, on the cluster.
// Each source's SQL classifies every bronze record once: valid (a silver row) or quarantined with
// a reason. The job checks the conservation law on Spark's own counts —
// bronze records = silver rows + quarantined rows — and publishes the new version (all tables at
// once, through the layer pointer) only when it holds for every source.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LakeConfig } from '../control/config.js';
import { LakeError } from '../control/errors.js';
import { runLayer, type LayerRunContext } from '../control/runs/layer-run.js';
import type { RunManifest, SilverCounts } from '../control/runs/manifest.js';
import { LayerVersions, publishVersion } from '../control/runs/versions.js';
import type { ExecuteOptions, SparkSession } from '../control/spark/index.js';
import { registerBronzeViews } from './silver/bronze-views.js';

export const silverTables = ['transactions', 'server_logs', 'social_posts', 'ad_events'] as const;
export type SilverTable = (typeof silverTables)[number];

/** The columns of each silver table, in order (docs/data-contract.md), then its lineage. */
export const silverColumns: Record<SilverTable, readonly string[]> = {
  transactions: ['transaction_id', 'client_id', 'produit', 'quantite', 'prix', 'date_transaction', 'montant'],
  server_logs: ['ip', 'ts', 'method', 'path', 'protocol', 'status_code', 'bytes', 'referer', 'user_agent'],
  social_posts: ['post_id', 'utilisateur', 'contenu', 'texte', 'likes', 'partages', 'date_publication'],
  ad_events: ['event_id', 'campaign_id', 'ad_id', 'event_type', 'user_id', 'ts', 'cost', 'kafka_partition', 'kafka_offset'],
};

const originColumns = ['batch_id', 'source_file', 'line_number', 'element_index', 'kafka_partition', 'kafka_offset'];

/**
 * The quarantine rows of a classified table, with `raw_record_bytes`: the size of a record whose
 * raw_record holds only its first bytes (`record_too_large`), from the bronze manifests; else null.
 */
function quarantineRows(table: SilverTable, classified: string, runId: string): string {
  const columns = `c.raw_record, ${table === 'ad_events' ? 'CAST(NULL AS BIGINT)' : 'o.bytes'} AS raw_record_bytes, c.reason, ${originColumns.map((column) => `c.${column}`).join(', ')}, '${runId}' AS run_id`;
  const oversized =
    table === 'ad_events'
      ? ''
      : `LEFT JOIN bronze_${table}_oversized o
           ON c.reason = 'record_too_large' AND o.batch_id = c.batch_id AND o.file = c.source_file AND o.line_number = c.line_number`;
  return `SELECT ${columns} FROM parquet.\`${classified}\` c ${oversized} WHERE c.reason IS NOT NULL`;
}

/** How many bronze records each source holds, counted apart from its cleaning SQL. */
const bronzeRecordCounts: Record<SilverTable, string> = {
  // Every non-blank line but each file's header (a file is a path within a batch).
  transactions: `SELECT count_if(NOT blank) - count(DISTINCT CASE WHEN NOT blank THEN concat(batch_id, '/', file) END) AS records, count_if(blank) AS blank_lines
                 FROM bronze_transactions_lines`,
  server_logs: `SELECT count_if(NOT blank) AS records, count_if(blank) AS blank_lines FROM bronze_server_logs_lines`,
  // A file whose first non-blank character is '[' holds one array: its elements are the records
  // (a file that is not one JSON array is one malformed record).
  // An array file that is not UTF-8, or has a line too large to read, is not parsed: one record.
  social_posts: `SELECT sum(CASE WHEN NOT is_array THEN non_blank WHEN readable THEN coalesce(json_array_length(content), 1) ELSE 1 END) AS records,
                        sum(CASE WHEN is_array THEN 0 ELSE blank_lines END) AS blank_lines
                 FROM (SELECT f.file, f.batch_id, ltrim(f.content) LIKE '[%' AS is_array, f.content,
                              f.encoding_ok AND f.too_large_bytes IS NULL AS readable,
                              l.non_blank, l.blank_lines
                       FROM bronze_social_posts_files f
                       JOIN (SELECT batch_id, file, count_if(NOT blank) AS non_blank, count_if(blank) AS blank_lines
                             FROM bronze_social_posts_lines GROUP BY batch_id, file) l
                       ON f.batch_id = l.batch_id AND f.file = l.file)`,
  ad_events: `SELECT count(*) AS records, 0 AS blank_lines FROM bronze_ad_events`,
};

const sqlFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql', 'silver');

export interface SilverOptions {
  execution?: ExecuteOptions;
  log?: (line: string) => void;
  /** Versions of silver kept besides the current one (default 2). */
  keepVersions?: number;
}

export async function runSilver(config: LakeConfig, options: SilverOptions = {}): Promise<RunManifest> {
  const log = options.log ?? (() => undefined);
  const execution = options.execution ?? {};
  const versions = (run: LayerRunContext) => new LayerVersions(run.hdfs, run.root, 'silver');
  return runLayer(config, 'silver', {
    undo: (run) => versions(run).discard(run.runId),
    work: async (run): Promise<'succeeded'> => {
      const { hdfs, root, runs, runId, manifest } = run;
      const bronzeRuns = await runs.succeeded('bronze');
      if (bronzeRuns.length === 0) throw new LakeError(`no bronze batch in ${config.lakeRoot} yet`, 'land the inputs first: `npm run job:bronze`');
      const session = await run.spark();
      await registerBronzeViews(session, config, bronzeRuns);

      const folder = versions(run).folder(runId);
      manifest.silver = {};
      for (const table of silverTables) {
        log(`silver ${table}: cleaning`);
        manifest.silver[table] = await classify(session, config, table, `${config.lakeRoot}/${folder}/_classified/${table}`, execution);
      }

      const tables: Record<string, string> = {};
      for (const table of silverTables) {
        const classified = `${config.lakeRoot}/${folder}/_classified/${table}`;
        await writeSelection(
          session,
          `SELECT ${silverColumns[table].join(', ')}, batch_id FROM parquet.\`${classified}\` WHERE reason IS NULL`,
          `${config.lakeRoot}/${folder}/${table}`,
          execution,
        );
        await writeSelection(session, quarantineRows(table, classified, runId), `${config.lakeRoot}/${folder}/${table}_quarantine`, execution);
        tables[table] = `${folder}/${table}`;
        tables[`${table}_quarantine`] = `${folder}/${table}_quarantine`;
      }
      await hdfs.delete(`${root}/${folder}/_classified`, true);

      manifest.version = folder;
      manifest.madeFrom = bronzeRuns.map((bronze) => bronze.runId);
      await publishVersion(versions(run), { runId, publishedAt: new Date().toISOString(), tables, madeFrom: manifest.madeFrom }, options.keepVersions, log);
      return 'succeeded';
    },
  });
}

/**
 * Runs a source's cleaning SQL once, into `target` (every record with its verdict), and checks
 * the conservation law against the bronze records counted apart.
 */
async function classify(session: SparkSession, config: LakeConfig, table: SilverTable, target: string, execution: ExecuteOptions): Promise<SilverCounts> {
  const sql = await readFile(path.join(sqlFolder, `${table}.sql`), 'utf8');
  const classified = await session.sql(sql, undefined, execution);
  await classified.write.format('parquet').mode('overwrite').save(target, execution);

  const verdicts = await (
    await session.sql(`SELECT reason, count(*) AS n FROM parquet.\`${target}\` GROUP BY reason`, undefined, execution)
  ).collect<{ reason: string | null; n: bigint }>(execution);
  const reasons: Record<string, number> = {};
  let silverRows = 0;
  for (const { reason, n } of verdicts.sort((a, b) => String(a.reason).localeCompare(String(b.reason)))) {
    if (reason === null) silverRows = Number(n);
    else reasons[reason] = Number(n);
  }
  const quarantined = Object.values(reasons).reduce((sum, n) => sum + n, 0);
  const [bronze] = await (await session.sql(bronzeRecordCounts[table], undefined, execution)).collect<{ records: bigint | null; blank_lines: bigint | number | null }>(
    execution,
  );
  const counts: SilverCounts = {
    bronzeRecords: Number(bronze?.records ?? 0),
    blankLines: Number(bronze?.blank_lines ?? 0),
    silverRows,
    quarantined,
    reasons,
  };
  if (counts.bronzeRecords !== silverRows + quarantined) {
    throw new LakeError(
      `silver ${table} breaks the conservation law: ${counts.bronzeRecords} bronze records but ${silverRows} silver rows + ${quarantined} quarantined (in ${config.lakeRoot})`,
      `nothing was published; the cleaning SQL jobs/sql/silver/${table}.sql lost or duplicated records`,
    );
  }
  return counts;
}

/**
 * Writes the rows of a query as Parquet. The rows are the same on every run; their order in the
 * files is not part of the contract, so no sort is paid for.
 */
async function writeSelection(session: SparkSession, query: string, target: string, execution: ExecuteOptions): Promise<void> {
  const rows = await session.sql(query, undefined, execution);
  await rows.write.format('parquet').mode('overwrite').save(target, execution);
}
