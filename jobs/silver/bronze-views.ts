// What silver reads: the committed bronze batches, as temporary views of the Spark session.
// Only batches whose run manifest says `succeeded` are visible; a crashed run's files are not.
//
//   bronze_<table>_lines  (file sources) batch_id, file, line_number, line, blank
//       one row per physical line: `line` without its LF (a CR is kept, as in the file), 1-based
//       `line_number`, `blank` when the line is empty or whitespace only; no phantom empty line
//       after a file's final LF.
//   bronze_<table>_files  (file sources) batch_id, file, content: one row per file, whole text.
//   bronze_ad_events      batch_id, key, value, topic, partition, offset, timestamp
import type { LakeConfig } from '../../control/config.js';
import type { RunManifest } from '../../control/runs/manifest.js';
import { col, type SparkSession } from '../../control/spark/index.js';
import { fileSources, type FileTable } from '../bronze/file-sources.js';

export const fileTables = Object.keys(fileSources) as FileTable[];

/** URIs of the committed files of a bronze file table, in (batch, path) order. */
export function committedFiles(config: LakeConfig, runs: readonly RunManifest[], table: FileTable): string[] {
  return runs.flatMap((run) => (run.files?.[table]?.landed ?? []).map((file) => `${config.lakeRoot}/${file.landedAt}`));
}

export async function registerBronzeViews(session: SparkSession, config: LakeConfig, runs: readonly RunManifest[]): Promise<void> {
  for (const table of fileTables) {
    const files = committedFiles(config, runs, table);
    const filesView = `bronze_${table}_files`;
    if (files.length > 0) {
      // Text with `wholetext`: one row per file, so line numbers are exact whatever the file size.
      await session.read
        .format('text')
        .option('wholetext', true)
        .load(...files)
        .select(col('_metadata.file_path').as('path'), col('value').as('content'))
        .createOrReplaceTempView(`${filesView}_raw`);
      await session.sql(`CREATE OR REPLACE TEMP VIEW ${filesView} AS
        SELECT regexp_extract(path, 'batch_id=([^/]+)/', 1) AS batch_id,
               url_decode(regexp_extract(path, 'batch_id=[^/]+/(.*)$', 1)) AS file,
               content
        FROM ${filesView}_raw`);
    } else {
      await session.sql(`CREATE OR REPLACE TEMP VIEW ${filesView} AS
        SELECT CAST(NULL AS STRING) AS batch_id, CAST(NULL AS STRING) AS file, CAST(NULL AS STRING) AS content WHERE false`);
    }
    await session.sql(`CREATE OR REPLACE TEMP VIEW bronze_${table}_lines AS
      SELECT batch_id, file, pos + 1 AS line_number, line, line RLIKE '^\\\\s*$' AS blank
      FROM (SELECT batch_id, file, split(content, '\\n', -1) AS lines FROM ${filesView})
      LATERAL VIEW posexplode(lines) exploded AS pos, line
      -- A final LF ends the last line; it does not start an empty one.
      WHERE NOT (pos = size(lines) - 1 AND line = '')`);
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
