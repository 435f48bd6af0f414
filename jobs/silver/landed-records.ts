// The left side of the conservation law: how many records bronze landed in a set of batches, from
// what bronze recorded while it landed them — each file's lines and blank lines, counted on the
// raw bytes during the upload, and the Kafka offset ranges — so neither the cleaning SQL nor a
// second scan of the raw text decides it. One exception: a social-posts file that is one JSON
// array holds as many records as the array has elements, which only a JSON parser can tell; Spark
// counts those files' elements apart from the cleaning SQL.
import type { ExecuteOptions, SparkSession } from '@lake/spark-connect';
import type { LandedFile, BronzeRun } from '../../control/runs/manifest.js';
import type { SilverTable } from '../catalog.js';

export interface LandedRecords {
  bronzeRecords: number;
  blankLines: number;
}

const nonBlank = (file: LandedFile) => file.lines - file.blankLines;

export async function landedRecords(session: SparkSession, table: SilverTable, batches: readonly BronzeRun[], execution: ExecuteOptions = {}): Promise<LandedRecords> {
  if (table === 'ad_events') {
    const ranges = batches.flatMap((batch) => Object.values(batch.kafka?.ranges ?? {}));
    return { bronzeRecords: ranges.reduce((sum, { from, until }) => sum + (until - from), 0), blankLines: 0 };
  }
  const files = batches.flatMap((batch) => (batch.files?.[table]?.landed ?? []).map((file) => ({ batch: batch.runId, file })));
  const arrays = table === 'social_posts' ? await jsonArrayElements(session, execution) : new Map<string, number>();
  let bronzeRecords = 0;
  let blankLines = 0;
  for (const { batch, file } of files) {
    const elements = arrays.get(`${batch}/${file.path}`);
    if (elements !== undefined) {
      bronzeRecords += elements;
      continue;
    }
    blankLines += file.blankLines;
    // A CSV file's first non-blank line is its header, not a record.
    bronzeRecords += table === 'transactions' ? Math.max(nonBlank(file) - 1, 0) : nonBlank(file);
  }
  return { bronzeRecords, blankLines };
}

/**
 * `<batch>/<file>` → records of each social-posts file whose first non-blank character is `[`: its
 * elements when it is one JSON array that can be read, else one record (the whole file).
 *
 * Whether the text is one JSON array is the contract's rule, as the cleaning SQL applies it: strict
 * JSON, no key given twice in any object, nothing after the array (the text parsed as a variant
 * wrapped in `[…]` and in `{"k":…}`: jobs/sql/silver/social_posts.sql says why both). Its elements
 * are then counted by another parser (`json_array_length`), which alone would also count an array
 * with a repeated key, or with `NaN` in it, that the cleaning SQL keeps as one record.
 */
async function jsonArrayElements(session: SparkSession, execution: ExecuteOptions): Promise<Map<string, number>> {
  const rows = await session
    .query(
      `SELECT concat(batch_id, '/', file) AS file,
              CASE WHEN encoding_ok AND too_large_bytes IS NULL
                        AND in_array IS NOT NULL AND variant_get(in_array, '$[1]') IS NULL
                        AND try_parse_json('{"k":' || content || '}') IS NOT NULL
                   THEN coalesce(json_array_length(content), 1) ELSE 1 END AS records
       FROM (SELECT *, try_parse_json('[' || content || ']') AS in_array FROM bronze_social_posts_files WHERE is_array)`,
    )
    .collect<{ file: string; records: number | bigint }>(execution);
  return new Map(rows.map(({ file, records }) => [file, Number(records)]));
}
