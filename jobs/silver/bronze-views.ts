// What silver reads: the committed bronze batches, as temporary views of the Spark session.
// Only batches whose run manifest says `succeeded` are visible; a crashed run's files are not.
//
//   bronze_<table>_lines  (file sources) batch_id, file, line_number, line, blank, encoding_ok,
//                         too_large_bytes
//       one row per physical line: `line` without its LF (a CR is kept, as in the file), 1-based
//       `line_number`, `blank` when the line is empty or whitespace only; no phantom empty line
//       after a file's final LF; a UTF-8 BOM at the start of a file is not part of line 1.
//       `encoding_ok` is false when the line is not UTF-8 or holds a NUL (UTF-16, Latin-1, binary
//       data): `line` is then `base64:<its bytes>`. `too_large_bytes` is set on a line too large
//       to be a record (jobs/bronze/oversized-lines.ts): `line` is then only its first bytes.
//   bronze_<table>_file_facts  (file sources) batch_id, file, first_line, first_line_number,
//                         last_line, last_line_number, encoding_ok, too_large_bytes, is_array,
//       final_newline, fits_one_record: one row per file, none of them put together in one row.
//       `first_line`, `last_line`: its first and last non-blank lines (raw), and their numbers
//       (null when the file has none); `is_array`: its first non-blank character is `[`;
//       `encoding_ok`: UTF-8 without NUL throughout; `too_large_bytes`: the file's size when it
//       has an oversized line; `final_newline`: its last line ends with an LF (null for a file
//       with an oversized line); `fits_one_record`: the whole file is no larger than a record may
//       be (jobs/bronze/oversized-lines.ts).
//   social_posts_array_elements, social_posts_array_layouts, social_posts_array_documents:
//       how the social posts' JSON array files are split into records
//       (jobs/sql/silver/views/<view>.sql), read by the cleaning SQL and by the count of the
//       records bronze landed.
//   bronze_<table>_oversized  (file sources) batch_id, file, line_number, bytes, blank, prefix,
//                         start: the oversized lines, from the bronze manifests.
//   (and, used by those: bronze_<table>_landed, _read, _splits, _text; see below)
//   bronze_ad_events      batch_id, key, value, topic, partition, offset, timestamp
//
// How the files are read, and why: a file may be far larger than an executor's memory (a 2 GB
// server log; 10 M records), so it is read as Spark's `text` source does by default: in splits
// (128 MiB, many tasks a file), each cut into lines by Hadoop's line reader (LF only), which
// returns the raw bytes of each line (`is_valid_utf8` and `CAST(... AS BINARY)` see them as in the
// file). A split knows nothing of the lines before it, so line numbers are put back afterwards
// from facts Spark gives beside each line (see `registerSplits`), without ever moving the lines.
// A small day's few small files are each read in one piece instead, and numbered in place
// (`keepTextFileByFile`).
import type { LakeConfig } from '../../control/config.js';
import { WebHdfs } from '../../control/hdfs/webhdfs.js';
import { adEventBatches, type BronzeRun } from '../../control/runs/manifest.js';
import { sideBySide } from '../../control/side-by-side.js';
import { SparkError, col, lit, type ExecuteOptions, type SparkSession } from '@lake/spark-connect';
import { columnsDdl } from '../catalog.js';
import { batchPartitionFiles, deltaTable, sqlString } from '../delta.js';
import { adEventsColumns, adEventsTable } from '../bronze/kafka-source.js';
import { fileSources, type FileTable } from '../bronze/file-sources.js';
import { lineReaderMaxLength, maxRecordBytes, type LandedFileWithLines } from '../bronze/oversized-lines.js';
import { silverViewSql } from '../sql-files.js';

export const fileTables = Object.keys(fileSources) as FileTable[];

/** The views of jobs/sql/silver/views/ over the social posts' files, each after those it reads. */
const socialPostsArrayViews = ['social_posts_array_elements', 'social_posts_array_layouts', 'social_posts_array_documents'];

/** A split size no input file reaches (1 TiB): files are read whole, one partition each. */
const unsplitBytes = 1024 ** 4;

/** URIs of the committed files of a bronze file table, in (batch, path) order. */
export function committedFiles(config: LakeConfig, runs: readonly BronzeRun[], table: FileTable): string[] {
  return landedFiles(runs, table).map((file) => `${config.lakeRoot}/${file.landedAt}`);
}

function landedFiles(runs: readonly BronzeRun[], table: FileTable): LandedFileWithLines[] {
  return runs.flatMap((run) => (run.files?.[table]?.landed ?? []) as LandedFileWithLines[]);
}

/** The batch a landed file belongs to: `bronze/<table>/batch_id=<runId>/<path>`. */
const batchIdOf = (file: LandedFileWithLines) => /batch_id=([^/]+)\//.exec(file.landedAt)?.[1] ?? '';
// The batch and the file of a path as Spark gives it (a URI: `%xx` escapes; a `+` is itself).
const batchOf = (path: string) => `regexp_extract(${path}, 'batch_id=([^/]+)/', 1)`;
const fileOf = (path: string) => `url_decode(replace(regexp_extract(${path}, 'batch_id=[^/]+/(.*)$', 1), '+', '%2B'))`;

/**
 * Oversized lines recorded by a bronze run from before bronze noted where each one starts: their
 * pieces cannot be recognised in a split (see `registerSplits`).
 */
const lacksStart = (file: LandedFileWithLines) => (file.oversizedLines ?? []).some((line) => line.start === undefined);

/**
 * Below this many bytes of new files a table's lines are not materialized by default but kept on
 * the executors (`checkpointView`): a small day's lines are kept there faster than a Parquet
 * folder is written and read (two Spark jobs and a commit of files), which is much of a small
 * incremental run's fixed cost. The executors hold kept rows in memory and spill them to their
 * disks past it; a large day's would crowd out the cleaning's own memory. A scale s day (100 000
 * records a source, 7–21 MB of files) is kept: its silver took about 1 s less than with the
 * scratch Parquet, as a first day at s and as the 10 % second day at m (docs/benchmarks.md,
 * 2026-12-06).
 */
const defaultMaterializeFromBytes = 64 * 1024 ** 2;
/** What an ad event weighs at most, about, to hold the events of a day against the same bound. */
const eventBytes = 512;

/**
 * Whether the new records of a source are few enough to be kept on the executors between the steps
 * of a run (a small day) rather than in scratch Parquet: under `materializeFromBytes` (64 MiB) of new
 * files, or of events.
 */
export function isSmallDay(table: FileTable | 'ad_events', runs: readonly BronzeRun[], materializeFromBytes = defaultMaterializeFromBytes): boolean {
  const bytes =
    table === 'ad_events'
      ? runs.reduce((sum, run) => sum + (run.kafka?.records ?? 0), 0) * eventBytes
      : landedFiles(runs, table).reduce((sum, file) => sum + file.size, 0);
  return bytes < materializeFromBytes;
}

export interface BronzeViewOptions {
  /**
   * A scratch folder for the run: each file table's numbered lines are computed there once
   * (Parquet, one job a table) and every view reads them from it. Without it, each query over
   * the lines reads the raw files again (twice: the splits' counts, then the lines), which is
   * fine for a query or two (`lake sql`) but not for silver's cleaning, which reads them many times.
   * A table with less than `materializeFromBytes` of new files is kept on the executors instead.
   */
  materializeIn?: string;
  /** 64 MiB unless given (0: every table with files is materialized). */
  materializeFromBytes?: number;
  /** The file tables to register (every one unless given); the ad events' view always is. */
  tables?: readonly string[];
  execution?: ExecuteOptions;
}

export async function registerBronzeViews(session: SparkSession, config: LakeConfig, runs: readonly BronzeRun[], options: BronzeViewOptions = {}): Promise<void> {
  const files = new Map(fileTables.map((table) => [table, landedFiles(runs, table)]));
  if ([...files.values()].flat().some(lacksStart)) {
    // Only such a file could be misread in splits, but the setting is the session's: every file
    // is then read whole, one task each (a large file may not fit), as bronze runs of that time were.
    await session.config.set({ 'spark.sql.files.maxPartitionBytes': unsplitBytes, 'spark.sql.files.openCostInBytes': unsplitBytes });
  }
  // The tables side by side: each view is a round trip, and a materialization a Spark job.
  await sideBySide(options.tables ? fileTables.filter((table) => options.tables?.includes(table)) : fileTables, async (table) => {
    const landed = files.get(table) ?? [];
    const uris = landed.map((file) => `${config.lakeRoot}/${file.landedAt}`);
    await registerManifestViews(session, table, landed);
    const small = isSmallDay(table, runs, options.materializeFromBytes);
    const materialized = options.materializeIn && landed.length > 0 && !small ? `${options.materializeIn}/${table}` : undefined;
    const kept = options.materializeIn && landed.length > 0 && small;
    const byFile = kept && readInOnePieceEach(landed) && (await keepTextFileByFile(session, table, landed, uris, options.execution));
    if (!byFile) {
      await registerRead(session, table, uris);
      await registerSplits(session, table);
      await registerText(session, table);
      if (materialized) await materializeView(session, `bronze_${table}_text`, materialized, options.execution);
      else if (kept) await checkpointView(session, `bronze_${table}_text`, options.execution);
    }
    await registerLines(session, table);
    await registerFileFacts(session, table);
    if (materialized) await materializeView(session, `bronze_${table}_file_facts`, `${materialized}_file_facts`, options.execution);
    else if (kept) await checkpointView(session, `bronze_${table}_file_facts`, options.execution);
    if (table === 'social_posts') await registerArrayViews(session);
  });
  await registerAdEvents(session, config, runs.filter((run) => (run.kafka?.records ?? 0) > 0));
}

/**
 * `bronze_ad_events`: the `batch_id` partitions of the Delta table `bronze/ad_events` that these
 * runs landed. Read as the Parquet files their commits added when the table's log names them all
 * (batchPartitionFiles): a Delta read of a new version of the table first rebuilds its state from
 * the log, a few Spark jobs, and each stream cycle makes a new version. Through Delta otherwise.
 */
async function registerAdEvents(session: SparkSession, config: LakeConfig, runs: readonly BronzeRun[]): Promise<void> {
  const table = adEventsTable(config);
  const batches = runs.flatMap(adEventBatches);
  if (batches.length === 0) {
    const columns = Object.entries(adEventsColumns).map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`);
    await defineView(session, 'bronze_ad_events', `SELECT ${columns.join(', ')} WHERE false`);
    return;
  }
  // A run's batches are one commit each, the last at the version it recorded: the first is at
  // least as many versions before.
  const firsts = runs.map((run) => (run.kafka?.deltaVersion === undefined ? undefined : run.kafka.deltaVersion - adEventBatches(run).length + 1));
  const files = firsts.every((first) => first !== undefined)
    ? await batchPartitionFiles(new WebHdfs(config.webHdfs), table, batches, Math.max(0, Math.min(...firsts)))
    : undefined;
  if (files) {
    await session.read.format('parquet').schema(columnsDdl(adEventsColumns)).option('basePath', table).load(...files).createOrReplaceTempView('bronze_ad_events');
  } else {
    await defineView(session, 'bronze_ad_events', `SELECT * FROM ${deltaTable(table)} WHERE batch_id IN (${batches.map(sqlString).join(', ')})`);
  }
}

/**
 * Registers `query` as the temporary view `name`, from the plan Spark analyzes now. A view made by
 * CREATE VIEW keeps its SQL text instead, which every query that reads it parses and analyzes
 * again, with the views it reads in turn: the chain read → splits → text → lines → files was
 * analyzed anew by each of silver's statements. The flip side: a view built on another keeps the
 * plan that one had when it was made, so a view is replaced (materialized, checkpointed) before
 * the views over it are made.
 */
async function defineView(session: SparkSession, name: string, query: string): Promise<void> {
  await session.query(query).createOrReplaceTempView(name);
}

/** A view of literal rows (each value already SQL), with these columns and types even when empty. */
async function valuesView(session: SparkSession, name: string, columns: readonly (readonly [string, string])[], rows: readonly string[][]): Promise<void> {
  const typed = columns.map(([column, type]) => `CAST(${column} AS ${type}) AS ${column}`).join(', ');
  const names = columns.map(([column]) => column).join(', ');
  const source =
    rows.length > 0
      ? `VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')} AS t(${names})`
      : `(SELECT ${columns.map(([column]) => `NULL AS ${column}`).join(', ')}) WHERE false`;
  await defineView(session, name, `SELECT ${typed} FROM ${source}`);
}

/**
 * What the bronze manifests say of each file, as two small views:
 *   bronze_<table>_landed     batch_id, file, size, lines_read (the lines Hadoop's reader returns:
 *                             all but the oversized ones), oversized (how many),
 *                             kept_before_oversized (for the i-th oversized line, the lines the
 *                             reader returns before it: its line number - i)
 *   bronze_<table>_oversized  one row per oversized line
 */
async function registerManifestViews(session: SparkSession, table: FileTable, files: readonly LandedFileWithLines[]): Promise<void> {
  await valuesView(
    session,
    `bronze_${table}_landed`,
    [
      ['batch_id', 'STRING'],
      ['file', 'STRING'],
      ['size', 'BIGINT'],
      ['lines_read', 'BIGINT'],
      ['oversized', 'INT'],
      ['kept_before_oversized', 'ARRAY<BIGINT>'],
    ],
    files.map((file) => {
      const oversized = [...(file.oversizedLines ?? [])].sort((a, b) => a.line - b.line);
      const keptBefore = oversized.map((line, i) => `${line.line - (i + 1)}L`);
      return [sqlString(batchIdOf(file)), sqlString(file.path), `${file.size}L`, `${file.lines - oversized.length}L`, `${oversized.length}`, `array(${keptBefore.join(', ')})`];
    }),
  );
  await valuesView(
    session,
    `bronze_${table}_oversized`,
    [
      ['batch_id', 'STRING'],
      ['file', 'STRING'],
      ['line_number', 'INT'],
      ['bytes', 'BIGINT'],
      ['blank', 'BOOLEAN'],
      ['prefix', 'STRING'],
      ['start', 'BIGINT'],
    ],
    files.flatMap((file) =>
      (file.oversizedLines ?? []).map((line) => [
        sqlString(batchIdOf(file)),
        sqlString(file.path),
        `${line.line}`,
        `${line.bytes}L`,
        `${line.blank}`,
        sqlString(line.prefix),
        line.start === undefined ? 'NULL' : `${line.start}L`,
      ]),
    ),
  );
}

/**
 * Spark's `text` source as every read of bronze files uses it, so that each numbering sees the
 * same lines: Hadoop's line reader, cut at LF only, skipping each line longer than an oversized
 * line may be (lineReaderMaxLength).
 */
const lineReader = (session: SparkSession) =>
  session.read.format('text').option('lineSep', '\n').option('mapreduce.input.linerecordreader.line.maxlength', lineReaderMaxLength);

/**
 * bronze_<table>_read: path, block_start, block_length, text, id — every line Hadoop's reader
 * returns, in splits, with the split it came from (`_metadata`) and `monotonically_increasing_id()`:
 * within a task the splits are read one after the other, each in file order, so the ids of one
 * split's lines are consecutive. The reader skips each line longer than an oversized line may be
 * (lineReaderMaxLength), so no executor ever holds one.
 *
 * A query over the lines reads the files twice: once to count each split's lines, once for the
 * lines themselves. The same files cut by the same settings give the same splits, tasks and ids
 * both times; the lines view checks that they did (see `registerSplits`).
 */
async function registerRead(session: SparkSession, table: FileTable, uris: readonly string[]): Promise<void> {
  const view = `bronze_${table}_read`;
  if (uris.length === 0) {
    await defineView(session, view, `
      SELECT CAST(NULL AS STRING) AS path, CAST(NULL AS BIGINT) AS block_start, CAST(NULL AS BIGINT) AS block_length,
             CAST(NULL AS STRING) AS text, CAST(NULL AS BIGINT) AS id
      WHERE false`);
    return;
  }
  await lineReader(session)
    .load(...uris)
    .select(
      col('_metadata.file_path').as('path'),
      col('_metadata.file_block_start').as('block_start'),
      col('_metadata.file_block_length').as('block_length'),
      col('value').as('text'),
    )
    .createOrReplaceTempView(`${view}_scan`);
  // The ids are given right above the scan: nothing may filter the lines before them.
  await defineView(session, view, `SELECT *, monotonically_increasing_id() AS id FROM ${view}_scan`);
}

/**
 * bronze_<table>_splits: one row per split that returned lines — small, so it is broadcast to the
 * lines (which never move). A line's number in its file is then
 *     (lines the file's earlier splits returned) + (its id - the split's first id) + 1,
 * counted without the oversized lines, which are then added back: a line returned after the i-th
 * oversized line comes i lines later in the file.
 *
 * What the reader returns that is not a line. A split's reader always finishes the line that
 * crosses its end, and one that starts right at its end. When that line is oversized, it stops
 * reading it once past the split's end and returns what it read last: the line's first bytes, or
 * its tail after the split's end — a piece, not a line. So when bronze says an oversized line
 * starts at or before a split's end and ends at or after it, that split's last row is a piece. (A
 * split that starts inside an oversized line skips to the line's end, or, when the line outlasts
 * the split, past the split's end — no row — or, for a split longer than the reader's limit, to its
 * end, and its only row is a piece: the case just named.) One more: a file that starts with a BOM
 * and an oversized line, whose first split ends less than 3 bytes past the reader's limit: the
 * reader drops the BOM, finds what it read short enough, and returns it as a first row.
 *
 * Each file must come out with exactly the lines bronze counted, and each line's offset must fall
 * within its split; anything else means the ids were not what this assumes, and the lines view
 * fails rather than number a line wrong.
 *
 * (No view here names a subquery twice in a WITH: the ids make these views nondeterministic for
 * Spark, which then computes such a subquery once, through a shuffle, instead of inlining it.)
 */
async function registerSplits(session: SparkSession, table: FileTable): Promise<void> {
  await defineView(session, `bronze_${table}_splits`, `
    SELECT path, block_start, batch_id, file, rows, first_id, ends_in_oversized, starts_with_piece, kept_before_oversized,
           coalesce(sum(kept_rows) OVER (PARTITION BY path ORDER BY block_start ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS kept_before,
           coalesce(sum(kept_rows) OVER (PARTITION BY path) = lines_read, false) AS complete
    FROM (
      SELECT *, rows - least(rows, CAST(ends_in_oversized AS INT) + CAST(starts_with_piece AS INT)) AS kept_rows
      FROM (
        -- Each split with its file's facts, and whether an oversized line spans its end (at most
        -- one can: they do not overlap).
        SELECT s.path, s.block_start, s.rows, s.first_id, f.batch_id, f.file, f.lines_read, f.kept_before_oversized,
               o.line_number IS NOT NULL AS ends_in_oversized,
               coalesce(o.line_number = 1 AND o.start = 3 AND s.block_start = 0 AND s.block_end - 3 < ${lineReaderMaxLength}, false) AS starts_with_piece
        FROM (SELECT path, block_start, block_start + block_length AS block_end, count(*) AS rows, min(id) AS first_id
              FROM bronze_${table}_read
              GROUP BY path, block_start, block_length) s
        LEFT JOIN bronze_${table}_landed f ON f.batch_id = ${batchOf('s.path')} AND f.file = ${fileOf('s.path')}
        LEFT JOIN bronze_${table}_oversized o
          ON o.batch_id = f.batch_id AND o.file = f.file
         AND o.start <= s.block_end AND s.block_end <= o.start + o.bytes AND s.block_end < f.size
      )
    )`);
}

/**
 * bronze_<table>_text: the lines with their raw text — the lines the reader kept, numbered, and
 * the oversized lines from the manifests.
 */
async function registerText(session: SparkSession, table: FileTable): Promise<void> {
  await defineView(session, `bronze_${table}_text`, `
    SELECT batch_id, file, CAST(kept + size(filter(kept_before_oversized, before -> before < kept)) AS INT) AS line_number,
           text, is_valid_utf8(text) AS utf8, CAST(NULL AS BIGINT) AS too_large_bytes, CAST(NULL AS BOOLEAN) AS known_blank
    FROM (
      SELECT *, kept_before + row_offset + 1 - CAST(starts_with_piece AS INT) AS kept
      FROM (
        SELECT /*+ BROADCAST(s) */ s.batch_id, s.file, r.text, s.rows, s.ends_in_oversized, s.starts_with_piece,
               s.kept_before, s.kept_before_oversized,
               CASE WHEN s.complete AND r.id - s.first_id BETWEEN 0 AND s.rows - 1 THEN r.id - s.first_id
                    ELSE raise_error(concat('cannot number the lines of ', r.path, ': its splits did not read as bronze counted them'))
               END AS row_offset
        FROM bronze_${table}_read r
        LEFT JOIN bronze_${table}_splits s ON s.path = r.path AND s.block_start = r.block_start
      )
      WHERE NOT ((ends_in_oversized AND row_offset = rows - 1) OR (starts_with_piece AND row_offset = 0))
    )
    UNION ALL
    -- An oversized line is blank as bronze found it on the whole line, not on its prefix.
    SELECT batch_id, file, line_number, CAST(unbase64(prefix) AS STRING), is_valid_utf8(unbase64(prefix)), bytes, blank
    FROM bronze_${table}_oversized`);
}

/**
 * Spark reads a file of at most this size in one split (`spark.sql.files.openCostInBytes`, 4 MiB by
 * default, is the least a split is given), when it reads that file alone.
 */
const oneSplitBytes = 4 * 1024 ** 2;
/** The most files a small day reads one by one (each a scan of its own in one plan). */
const mostFilesReadOneByOne = 64;

/**
 * Whether a small day's files can be numbered file by file (keepTextFileByFile): few, not all
 * empty, each small enough to be read in one split, none with an oversized line.
 */
function readInOnePieceEach(files: readonly LandedFileWithLines[]): boolean {
  return files.length <= mostFilesReadOneByOne && files.some((file) => file.size > 0) && files.every((file) => file.size <= oneSplitBytes && (file.oversizedLines ?? []).length === 0);
}

/** What keepTextFileByFile's view fails with when Spark read a file in more than one piece. */
const readInPieces = 'Spark read it in more than one piece';

/**
 * bronze_<table>_text for a small day's few small files, kept on the executors: each file read by a
 * scan of its own, the scans side by side in one plan, so that each file is one partition, the
 * i-th (an empty file, which gives no partition, is left out: it has no line). A line's number is
 * then its row's place in its partition, which `monotonically_increasing_id()` holds in its low 33
 * bits (the partition's index is above them): one Spark job and no shuffle, where the splits'
 * counts take five. A file that Spark read in more than one piece (a session whose splits are
 * smaller than the file) shifts the partitions of the files after it, or its own second one: the
 * view then fails rather than number a line wrong, and false is returned for the splits' way to
 * number them. (The file facts check each file's count of lines against bronze's, registerFileFacts.)
 */
async function keepTextFileByFile(session: SparkSession, table: FileTable, files: readonly LandedFileWithLines[], uris: readonly string[], execution?: ExecuteOptions): Promise<boolean> {
  const view = `bronze_${table}_text`;
  const scans = files
    .map((file, i) => ({ file, uri: uris[i] as string }))
    .filter(({ file }) => file.size > 0)
    .map(({ file, uri }, partition) =>
      lineReader(session)
        .load(uri)
        .select(lit(batchIdOf(file)).as('batch_id'), lit(file.path).as('file'), lit(partition).as('partition'), col('value').as('text')),
    );
  await scans.reduce((all, scan) => all.union(scan)).createOrReplaceTempView(`${view}_scans`);
  // The ids are given right above the scans: nothing may filter the lines before them.
  await defineView(session, view, `
    SELECT batch_id, file,
           CAST(IF(id >> 33 = partition, (id & ${2 ** 33 - 1}) + 1,
                   raise_error(concat('cannot number the lines of ', file, ' (batch ', batch_id, '): ${readInPieces}')))
                AS INT) AS line_number,
           text, is_valid_utf8(text) AS utf8, CAST(NULL AS BIGINT) AS too_large_bytes, CAST(NULL AS BOOLEAN) AS known_blank
    FROM (SELECT *, monotonically_increasing_id() AS id FROM ${view}_scans)`);
  try {
    await checkpointView(session, view, execution);
    return true;
  } catch (error) {
    if (error instanceof SparkError && error.message.includes(readInPieces)) return false;
    throw error;
  }
}

/**
 * A small day's alternative to materializing: computes the view once, keeps its rows on the
 * executors (`localCheckpoint`) and points the view there. That spares the scratch folder's write,
 * commit and listing; and every query over the view is planned as over a table, not over the
 * splits' windows and joins (the social posts' SQL names its lines and files a dozen times, and
 * Spark's analysis of such a tree took seconds). The rows stay on the executors until the
 * session ends: a run's session ends with the run.
 */
async function checkpointView(session: SparkSession, view: string, execution?: ExecuteOptions): Promise<void> {
  await (await session.table(view).localCheckpoint(execution)).createOrReplaceTempView(view);
}

/**
 * The views over the social posts' array files, kept as their SQL text: each query that reads one
 * resolves it afresh, as a CTE. (A view kept as a resolved plan, read twice in one query through
 * two of these views, makes Spark's planner lose track of a column: INTERNAL_ERROR_ATTRIBUTE_NOT_FOUND.)
 */
async function registerArrayViews(session: SparkSession): Promise<void> {
  for (const view of socialPostsArrayViews) await session.sql(`CREATE OR REPLACE TEMPORARY VIEW ${view} AS\n${await silverViewSql(view)}`);
}

/**
 * Computes a view once into `target` (Parquet) and points the view there. The file facts are a few
 * rows, which the cleaning SQL joins to every line: read from a small Parquet folder, they are known
 * to be small, so Spark broadcasts them to the lines instead of shuffling the lines by file (one
 * task a file); and they are not aggregated again from all the lines at each use.
 */
async function materializeView(session: SparkSession, view: string, target: string, execution?: ExecuteOptions): Promise<void> {
  await session.sql(`INSERT OVERWRITE DIRECTORY ${sqlString(target)} USING parquet SELECT * FROM ${view}`, undefined, execution);
  await defineView(session, view, `SELECT * FROM parquet.\`${target}\``);
}

/** bronze_<table>_lines: the lines as silver's SQL sees them. */
async function registerLines(session: SparkSession, table: FileTable): Promise<void> {
  await defineView(session, `bronze_${table}_lines`, `
    SELECT batch_id, file, line_number,
           IF(encoding_ok, text, concat('base64:', replace(base64(CAST(text AS BINARY)), '\\r\\n', ''))) AS line,
           coalesce(known_blank, text RLIKE r'^\\s*$') AS blank, encoding_ok, too_large_bytes
    FROM (SELECT *, utf8 AND NOT contains(text, chr(0)) AS encoding_ok FROM bronze_${table}_text)`);
}

/**
 * bronze_<table>_file_facts: one row per landed file — its first non-blank line, whether it is
 * UTF-8 throughout, whether it is a JSON array, whether it ends with an LF — without putting any
 * file together. A file whose lines (those the reader returns) are not as many as bronze counted
 * when it landed them fails the query: the file changed, or was misread.
 */
async function registerFileFacts(session: SparkSession, table: FileTable): Promise<void> {
  await defineView(session, `bronze_${table}_file_facts`, `
    SELECT IF(coalesce(s.lines_read, 0) = f.lines_read, f.batch_id,
              raise_error(concat('cannot read ', f.file, ' (batch ', f.batch_id, ') as bronze landed it: ', coalesce(s.lines_read, 0), ' lines, not ', f.lines_read)))
             AS batch_id,
           f.file, coalesce(s.first_line, '') AS first_line, s.first_line_number, s.last_line, s.last_line_number, coalesce(s.encoding_ok, true) AS encoding_ok,
           IF(f.oversized > 0, f.size, NULL) AS too_large_bytes,
           coalesce(s.first_line RLIKE r'^\\s*\\[', false) AS is_array,
           -- The file is its lines, each with its LF but maybe the last, after a BOM (3 bytes) or
           -- not: it ends with an LF when it is 0 or 3 bytes larger than its lines with an LF each.
           IF(f.oversized > 0, NULL, f.size - coalesce(s.line_bytes, 0) IN (0, 3)) AS final_newline,
           f.size <= ${maxRecordBytes} AS fits_one_record
    FROM bronze_${table}_landed f
    LEFT JOIN (
      SELECT batch_id, file,
             min_by(text, line_number) FILTER (WHERE NOT blank) AS first_line,
             min(line_number) FILTER (WHERE NOT blank) AS first_line_number,
             max_by(text, line_number) FILTER (WHERE NOT blank) AS last_line,
             max(line_number) FILTER (WHERE NOT blank) AS last_line_number,
             bool_and(utf8 AND NOT contains(text, chr(0))) AS encoding_ok,
             sum(octet_length(text) + 1) AS line_bytes,
             count_if(too_large_bytes IS NULL) AS lines_read
      FROM (SELECT *, coalesce(known_blank, text RLIKE r'^\\s*$') AS blank FROM bronze_${table}_text)
      GROUP BY batch_id, file
    ) s ON s.batch_id = f.batch_id AND s.file = f.file`);
}
