// Bronze knows a file by its content (its SHA-256), which means reading it, and an input folder
// keeps the files it had landed before: reading them all again on every run made a run's cost grow
// with the history (at scale m, 2.2 s of a second day's bronze went to the 485 MB it had landed the
// day before; at scale l it would be about 20 s). So each file's stamp is recorded with what bronze
// read: its size, its modification and status-change times in nanoseconds, and its inode. A file
// whose stamp is the one recorded holds the bytes recorded, and is not read again: any write
// changes the status-change time, which no user command can set back, and a copy or a replacement
// is another inode (Git's index trusts the same fields). A stamp is recorded only for a file that
// had settled: unchanged while it was read, and last changed well before, so that a write within
// the file system's clock tick of the read cannot hide behind an unchanged time.
import { stat } from 'node:fs/promises';
import { LakeError } from '../../control/errors.js';
import type { BronzeRun, FileStamp } from '../../control/runs/manifest.js';
import { factsOf, type FileFacts, type InputFile } from './file-sources.js';

/** How long a file must have been left alone before its stamp is recorded. */
const settleMs = 2000;

export async function stampOf(file: string): Promise<FileStamp> {
  const facts = await stat(file, { bigint: true }).catch((error: Error) => {
    throw new LakeError(`cannot read input file ${file}: ${error.message}`, 'check that it exists and is readable');
  });
  return { size: Number(facts.size), mtimeNs: String(facts.mtimeNs), ctimeNs: String(facts.ctimeNs), ino: String(facts.ino) };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/**
 * The stamp to record for a file whose reading started at `readAtMs` (epoch ms), stamped `before`
 * and `after` it: none unless the file had settled.
 */
export function settledStamp(before: FileStamp, after: FileStamp, readAtMs: number): FileStamp | undefined {
  const changedAtMs = Number(BigInt(after.ctimeNs) / 1_000_000n);
  return sameStamp(before, after) && changedAtMs <= readAtMs - settleMs ? after : undefined;
}

export interface RecordedFile {
  sha256: string;
  stamp: FileStamp;
}

/** `<table>/<path>` → the content and stamp that the newest of `runs` (finished bronze runs, in order) recorded for that input file. */
export function recordedFiles(runs: readonly BronzeRun[]): Map<string, RecordedFile> {
  const recorded = new Map<string, RecordedFile>();
  for (const run of runs) {
    for (const [table, source] of Object.entries(run.files ?? {})) {
      for (const { path, sha256, stamp } of [...source.landed, ...source.skipped]) {
        // A newer reading without a stamp (the file had not settled) leaves no stamp to trust.
        if (stamp) recorded.set(`${table}/${path}`, { sha256, stamp });
        else recorded.delete(`${table}/${path}`);
      }
    }
  }
  return recorded;
}

/** An input file as this run knows it: read (its facts), or recalled by its unchanged stamp. */
export type SeenFile = { file: InputFile; facts: FileFacts; stamp?: FileStamp } | { file: InputFile; sha256: string; sameAs: string; stamp: FileStamp };

/**
 * Reads a file's facts, unless its stamp is the one recorded for it (`last`) and the lake holds that
 * content (`known`): then the file is the one already landed, and is not read.
 */
export async function seeFile(file: InputFile, last: RecordedFile | undefined, known: ReadonlyMap<string, string>): Promise<SeenFile> {
  const before = await stampOf(file.absolutePath);
  const sameAs = last && known.get(last.sha256);
  if (last && sameAs && sameStamp(last.stamp, before)) return { file, sha256: last.sha256, sameAs, stamp: before };
  const readAt = Date.now();
  const facts = await factsOf(file.absolutePath);
  const stamp = settledStamp(before, await stampOf(file.absolutePath), readAt);
  return { file, facts, ...(stamp && { stamp }) };
}
