// The left side of the conservation law: how many records bronze landed in a set of batches, from
// what bronze recorded while it landed them — each file's lines and blank lines, counted on the
// raw bytes during the upload, and the Kafka offset ranges — so neither the cleaning SQL nor a
// second scan of the raw text decides it. One exception: a social-posts file that is one JSON
// array holds as many records as the array has elements, when it is one by the contract's rules,
// which only a JSON parser can tell.
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
  const arrays = table === 'social_posts' ? await jsonArrayElements(session, execution) : new Map<string, number | null>();
  let bronzeRecords = 0;
  let blankLines = 0;
  for (const { batch, file } of files) {
    const elements = arrays.get(`${batch}/${file.path}`);
    if (elements !== undefined) {
      // Its lines but the `[` and the `]`, when they are its elements (blank lines are not records).
      bronzeRecords += elements ?? nonBlank(file) - 2;
      continue;
    }
    blankLines += file.blankLines;
    // A CSV file's first non-blank line is its header, not a record.
    bronzeRecords += table === 'transactions' ? Math.max(nonBlank(file) - 1, 0) : nonBlank(file);
  }
  return { bronzeRecords, blankLines };
}

/**
 * `<batch>/<file>` → records of each social-posts file whose first non-blank character is `[`, as
 * the views the cleaning SQL reads split it (jobs/sql/silver/views/): a file laid out one element a
 * line holds the lines bronze counted between its `[` and its `]` (null here: the caller counts
 * them); another is parsed whole, and holds its elements when it is one JSON array, counted by
 * another parser than the one that splits it (`json_array_length`), else one record.
 *
 * No file is put together for it but those the cleaning SQL parses whole (at most 16 MiB each).
 */
async function jsonArrayElements(session: SparkSession, execution: ExecuteOptions): Promise<Map<string, number | null>> {
  const rows = await session
    .query(
      `SELECT concat(a.batch_id, '/', a.file) AS file,
              CASE WHEN a.one_element_a_line THEN NULL WHEN d.elements IS NOT NULL THEN json_array_length(d.content) ELSE 1 END AS records
       FROM social_posts_array_layouts a
       LEFT JOIN social_posts_array_documents d ON d.batch_id = a.batch_id AND d.file = a.file`,
    )
    .collect<{ file: string; records: number | bigint | null }>(execution);
  return new Map(rows.map(({ file, records }) => [file, records === null ? null : Number(records)]));
}
