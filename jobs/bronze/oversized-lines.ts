// Lines too large to be one record. An executor has 2 GiB of heap: a line of hundreds of MB (or a
// 1 GB one) would not fit in it, nor would it make a useful record. Bronze still lands such a file
// byte for byte; while it streams the file it notes each oversized line (where it starts, how
// large it is, and its first bytes). Silver reads every file line by line, in splits, with
// Hadoop's line reader skipping the oversized lines (jobs/silver/bronze-views.ts), and quarantines
// each one as `record_too_large` with its prefix as the raw record and its size in
// `raw_record_bytes` (docs/data-contract.md).
import type { LandedFile } from '../../control/runs/manifest.js';

/**
 * A line whose bytes, with the LF that ends it, exceed this is too large to be a record. 16 MiB is
 * also the size limit of Spark's VARIANT, which reads the JSON of social posts and ad events.
 */
export const maxRecordBytes = 16 * 1024 * 1024;

/** How much of an oversized line the quarantine keeps: its first bytes, cut at a character boundary. */
export const recordPrefixBytes = 1024;

export interface OversizedLine {
  /** 1-based physical line. */
  line: number;
  /**
   * Byte offset in the file where the line starts (line 1 starts after a UTF-8 BOM). Silver needs
   * it to tell the pieces of this line that a split returns; bronze runs before it was recorded
   * lack it.
   */
  start?: number;
  /** Bytes of the line, without its LF (nor, for line 1, a BOM). */
  bytes: number;
  /** Only whitespace: not a record at all, like any blank line. */
  blank: boolean;
  /** Its first bytes (at most recordPrefixBytes), base64. */
  prefix: string;
}

/** A landed file as bronze records it, with its oversized lines when it has any. */
export type LandedFileWithLines = LandedFile & { oversizedLines?: OversizedLine[] };

/**
 * The Hadoop line reader's limit, set so that it skips exactly the lines that `isOversized` names:
 * it drops a line when the bytes it consumed (the line and its LF, less a BOM on line 1) reach the
 * limit. (A line that crosses the end of a split is another matter: see jobs/silver/bronze-views.ts.)
 */
export const lineReaderMaxLength = maxRecordBytes + 1;

export function isOversized(bytes: number, endsWithNewline: boolean): boolean {
  return bytes + (endsWithNewline ? 1 : 0) > maxRecordBytes;
}

/** The prefix to keep, cut before a UTF-8 sequence it would split. */
export function cutPrefix(head: Buffer): Buffer {
  if (head.length < recordPrefixBytes) return head;
  let end = head.length;
  // Back off over continuation bytes (10xxxxxx), then over the lead byte they belong to.
  while (end > 0 && ((head[end - 1] as number) & 0xc0) === 0x80) end--;
  if (end > 0 && ((head[end - 1] as number) & 0xc0) === 0xc0) end--;
  return head.subarray(0, end === 0 ? head.length : end);
}
