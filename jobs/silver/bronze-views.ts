// What silver reads: the committed bronze batches, as temporary views of the Spark session.
// Only batches whose run manifest says `succeeded` are visible; a crashed run's files are not.
//
//   bronze_<table>_lines  (file sources) batch_id, file, line_number, line, blank, encoding_ok,
//                         too_large_bytes
//       one row per physical line: `line` without its LF (a CR is kept, as in the file), 1-based
//       `line_number`, `blank` when the line is empty or whitespace only; no phantom empty line
//       after a file's final LF. `encoding_ok` is false when the line is not UTF-8 or holds a NUL
//       (UTF-16, Latin-1, binary data): `line` is then `base64:<its bytes>`. `too_large_bytes` is
//       set on a line too large to be a record (jobs/bronze/oversized-lines.ts): `line` is then
//       only its first bytes.
//   bronze_<table>_files  (file sources) batch_id, file, content, encoding_ok, too_large_bytes:
//       one row per file, whole text. A file with an oversized line is never read whole: its
//       content is its first non-blank line (enough to tell a JSON array), and too_large_bytes
//       its size.
//   bronze_<table>_oversized  (file sources) batch_id, file, line_number, bytes, blank, prefix: the
//                         oversized lines, from the bronze manifests (empty when there are none).
//   bronze_ad_events      batch_id, key, value, topic, partition, offset, timestamp
import type { LakeConfig } from '../../control/config.js';
import type { RunManifest } from '../../control/runs/manifest.js';
import { col, type SparkSession } from '../../control/spark/index.js';
import { fileSources, type FileTable } from '../bronze/file-sources.js';
import { lineReaderMaxLength, maxRecordBytes, type LandedFileWithLines } from '../bronze/oversized-lines.js';

export const fileTables = Object.keys(fileSources) as FileTable[];

/** A split size no input file reaches (1 TiB): files are read whole, one partition each. */
const unsplitBytes = 1024 ** 4;

/** URIs of the committed files of a bronze file table, in (batch, path) order. */
export function committedFiles(config: LakeConfig, runs: readonly RunManifest[], table: FileTable): string[] {
  return landedFiles(runs, table).map((file) => `${config.lakeRoot}/${file.landedAt}`);
}

function landedFiles(runs: readonly RunManifest[], table: FileTable): LandedFileWithLines[] {
  return runs.flatMap((run) => (run.files?.[table]?.landed ?? []) as LandedFileWithLines[]);
}

/** The batch a landed file belongs to: `bronze/<table>/batch_id=<runId>/<path>`. */
const batchIdOf = (file: LandedFileWithLines) => /batch_id=([^/]+)\//.exec(file.landedAt)?.[1] ?? '';
const sqlString = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const batchOf = (path: string) => `regexp_extract(${path}, 'batch_id=([^/]+)/', 1)`;
const fileOf = (path: string) => `url_decode(regexp_extract(${path}, 'batch_id=[^/]+/(.*)$', 1))`;

export async function registerBronzeViews(session: SparkSession, config: LakeConfig, runs: readonly RunManifest[]): Promise<void> {
  for (const table of fileTables) {
    const files = landedFiles(runs, table);
    const uri = (file: LandedFileWithLines) => `${config.lakeRoot}/${file.landedAt}`;
    const whole = files.filter((file) => !file.oversizedLines?.length);
    const byLine = files.filter((file) => file.oversizedLines?.length);
    const parts = { lines: [] as string[], files: [] as string[] };

    if (whole.length > 0) {
      // Text with `wholetext`: one row per file, so line numbers are exact whatever the file size.
      await session.read
        .format('text')
        .option('wholetext', true)
        .load(...whole.map(uri))
        .select(col('_metadata.file_path').as('path'), col('value').as('content'))
        .createOrReplaceTempView(`bronze_${table}_whole_raw`);
      // A file that is not valid UTF-8 is split as ISO-8859-1, where every byte is one character,
      // so that each line's bytes come back unchanged (split would turn them into U+FFFD).
      await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table}_whole AS
        SELECT ${batchOf('path')} AS batch_id, ${fileOf('path')} AS file, content, is_valid_utf8(content) AS utf8
        FROM bronze_${table}_whole_raw`);
      parts.files.push(`SELECT batch_id, file, content, utf8 AND NOT contains(content, chr(0)) AS encoding_ok, CAST(NULL AS BIGINT) AS too_large_bytes
        FROM bronze_${table}_whole`);
      parts.lines.push(`SELECT batch_id, file, pos + 1 AS line_number,
               IF(utf8, line, CAST(encode(line, 'ISO-8859-1') AS STRING)) AS text,
               utf8 OR is_valid_utf8(encode(line, 'ISO-8859-1')) AS line_utf8,
               CAST(NULL AS BIGINT) AS too_large_bytes, CAST(NULL AS BOOLEAN) AS known_blank
        FROM (SELECT batch_id, file, utf8, split(IF(utf8, content, decode(CAST(content AS BINARY), 'ISO-8859-1')), '\\n', -1) AS lines
              FROM bronze_${table}_whole)
        LATERAL VIEW posexplode(lines) exploded AS pos, line
        -- A final LF ends the last line; it does not start an empty one.
        WHERE NOT (pos = size(lines) - 1 AND line = '')`);
    }

    if (byLine.length > 0) {
      // Line by line, with Hadoop's line reader skipping the oversized lines (so no executor ever
      // holds one). Lines are numbered in file order: by split, then by position in the split.
      // A file must not be split, though: a split that starts inside an oversized line skips only
      // to its own end, and the next one returns the rest of the line as a line of its own. So the
      // session reads every file whole (one partition each) from here on: costly for large
      // files, but only in a session that met an oversized line.
      await session.config.set({ 'spark.sql.files.maxPartitionBytes': unsplitBytes, 'spark.sql.files.openCostInBytes': unsplitBytes });
      await session.read
        .format('text')
        .option('lineSep', '\n')
        .option('mapreduce.input.linerecordreader.line.maxlength', lineReaderMaxLength)
        .load(...byLine.map(uri))
        .select(col('_metadata.file_path').as('path'), col('_metadata.file_block_start').as('block_start'), col('value').as('text'))
        .createOrReplaceTempView(`bronze_${table}_by_line_raw`);
      // The oversized lines, from the manifest: for each file, where they were.
      const oversized = byLine.flatMap((file) =>
        (file.oversizedLines ?? []).map(
          (line) => `(${sqlString(batchIdOf(file))}, ${sqlString(file.path)}, ${line.line}, ${line.bytes}L, ${line.blank}, ${sqlString(line.prefix)})`,
        ),
      );
      await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table}_oversized AS
        SELECT * FROM VALUES ${oversized.join(', ')} AS t(batch_id, file, line_number, bytes, blank, prefix)`);
      // The k-th line the reader kept is line k + (oversized lines before it): the i-th oversized
      // line (1-based) has o_i - i kept lines before it.
      await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table}_by_line AS
        SELECT k.batch_id, k.file, k.text, k.kept + size(coalesce(filter(o.kept_before, before -> before < k.kept), array())) AS line_number
        FROM (SELECT batch_id, file, text, row_number() OVER (PARTITION BY batch_id, file ORDER BY block_start, id) AS kept
              FROM (SELECT ${batchOf('path')} AS batch_id, ${fileOf('path')} AS file, text, block_start, monotonically_increasing_id() AS id
                    FROM bronze_${table}_by_line_raw)
              -- When an oversized line crosses the end of a split, the reader returns its first
              -- bytes (one more than a record may have) instead of skipping it: not a line.
              WHERE octet_length(text) <= ${maxRecordBytes}) k
        LEFT JOIN (SELECT batch_id, file, collect_list(line_number - rank) AS kept_before
                   FROM (SELECT batch_id, file, line_number, row_number() OVER (PARTITION BY batch_id, file ORDER BY line_number) AS rank
                         FROM bronze_${table}_oversized)
                   GROUP BY batch_id, file) o
        ON k.batch_id = o.batch_id AND k.file = o.file`);
      // An oversized line is blank as bronze found it on the whole line, not on its prefix.
      const lines = `SELECT batch_id, file, line_number, text, is_valid_utf8(text) AS line_utf8, CAST(NULL AS BIGINT) AS too_large_bytes,
               CAST(NULL AS BOOLEAN) AS known_blank
        FROM bronze_${table}_by_line
        UNION ALL
        SELECT batch_id, file, line_number, CAST(unbase64(prefix) AS STRING), is_valid_utf8(unbase64(prefix)), bytes, blank
        FROM bronze_${table}_oversized`;
      parts.lines.push(lines);
      const sizes = byLine.map((file) => `(${sqlString(batchIdOf(file))}, ${sqlString(file.path)}, ${file.size}L)`);
      parts.files.push(`SELECT s.batch_id, s.file,
               coalesce(first.text, '') AS content, coalesce(first.encoding_ok, true) AS encoding_ok, s.bytes AS too_large_bytes
        FROM (SELECT * FROM VALUES ${sizes.join(', ')} AS t(batch_id, file, bytes)) s
        LEFT JOIN (SELECT batch_id, file, min_by(text, line_number) AS text, min_by(line_utf8 AND NOT contains(text, chr(0)), line_number) AS encoding_ok
                   FROM (${lines}) WHERE NOT coalesce(known_blank, text RLIKE '^\\\\s*$') GROUP BY batch_id, file) first
        ON first.batch_id = s.batch_id AND first.file = s.file`);
    }

    if (byLine.length === 0) {
      await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table}_oversized AS
        SELECT CAST(NULL AS STRING) AS batch_id, CAST(NULL AS STRING) AS file, CAST(NULL AS INT) AS line_number,
               CAST(NULL AS BIGINT) AS bytes, CAST(NULL AS BOOLEAN) AS blank, CAST(NULL AS STRING) AS prefix WHERE false`);
    }
    const filesView = `bronze_${table}_files`;
    await session.sql(`CREATE OR REPLACE TEMP VIEW ${filesView} AS ${
      parts.files.length > 0
        ? parts.files.join('\nUNION ALL\n')
        : `SELECT CAST(NULL AS STRING) AS batch_id, CAST(NULL AS STRING) AS file, CAST(NULL AS STRING) AS content,
                  CAST(NULL AS BOOLEAN) AS encoding_ok, CAST(NULL AS BIGINT) AS too_large_bytes WHERE false`
    }`);
    await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table}_lines AS ${
      parts.lines.length > 0
        ? `SELECT batch_id, file, line_number,
                  IF(encoding_ok, text, concat('base64:', replace(base64(CAST(text AS BINARY)), '\\r\\n', ''))) AS line,
                  coalesce(known_blank, text RLIKE '^\\\\s*$') AS blank, encoding_ok, too_large_bytes
           FROM (SELECT *, line_utf8 AND NOT contains(text, chr(0)) AS encoding_ok FROM (${parts.lines.join('\nUNION ALL\n')}))`
        : `SELECT CAST(NULL AS STRING) AS batch_id, CAST(NULL AS STRING) AS file, CAST(NULL AS INT) AS line_number, CAST(NULL AS STRING) AS line,
                  CAST(NULL AS BOOLEAN) AS blank, CAST(NULL AS BOOLEAN) AS encoding_ok, CAST(NULL AS BIGINT) AS too_large_bytes WHERE false`
    }`);
  }
  const batches = runs.flatMap((run) => (run.kafka?.landedAt ? [`${config.lakeRoot}/${run.kafka.landedAt}`] : []));
  if (batches.length > 0) {
    await session.read
      .format('parquet')
      .option('basePath', `${config.lakeRoot}/bronze/ad_events`)
      .load(...batches)
      .createOrReplaceTempView('bronze_ad_events');
  } else {
    await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_ad_events AS
      SELECT CAST(NULL AS STRING) AS batch_id, CAST(NULL AS BINARY) AS key, CAST(NULL AS BINARY) AS value,
             CAST(NULL AS STRING) AS topic, CAST(NULL AS INT) AS partition, CAST(NULL AS BIGINT) AS offset,
             CAST(NULL AS TIMESTAMP) AS timestamp
      WHERE false`);
  }
}
