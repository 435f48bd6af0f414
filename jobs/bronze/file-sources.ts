// The file sources of the input folder, and what bronze learns of each file before landing it:
// its SHA-256 (how the lake knows a file it already has), size, lines and blank lines, and where
// its oversized lines are. Lines are counted the way silver reads them (Hadoop's line reader, cut
// at LF only): a UTF-8 BOM at the start of the file marks its encoding and is not part of line 1,
// so bronze's counts and silver's lines agree on every file (the conservation law relies on it).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LakeError } from '../../control/errors.js';
import { cutPrefix, isOversized, recordPrefixBytes, type OversizedLine } from './oversized-lines.js';

/** Bronze table → folder of the input that feeds it. */
export const fileSources = {
  transactions: 'transactions',
  server_logs: 'server_logs',
  social_posts: 'social',
} as const;

export type FileTable = keyof typeof fileSources;

export interface InputFile {
  /** Path relative to the source folder, with `/` separators. */
  relativePath: string;
  absolutePath: string;
}

export interface FileFacts {
  size: number;
  sha256: string;
  lines: number;
  blankLines: number;
  /** Lines too large to be a record (jobs/bronze/oversized-lines.ts); absent when there are none. */
  oversizedLines?: OversizedLine[];
}

/**
 * Every regular file under a source folder, names starting with `.` aside, in lexicographic
 * order of their relative path (the order in which silver breaks ties). A missing folder has none.
 */
export async function listInputFiles(folder: string): Promise<InputFile[]> {
  const found: InputFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return;
      throw new LakeError(`cannot read the input folder ${dir}: ${(error as Error).message}`, 'check its permissions');
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
      const absolutePath = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(absolutePath, relativePath);
      else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(absolutePath)).isFile())) found.push({ relativePath, absolutePath });
    }
  };
  await walk(folder, '');
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

const NEWLINE = 0x0a;
// Whitespace as a blank line may hold it: space, tab, CR, vertical tab, form feed.
const WHITESPACE = new Set([0x20, 0x09, 0x0d, 0x0b, 0x0c]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** An oversized line as the scan finds it, before its prefix is read. */
type FoundLine = Omit<OversizedLine, 'prefix' | 'start'> & { start: number };

/** Bytes of a UTF-8 BOM the file starts with: 3, or 0 when it has none. */
async function bomBytes(handle: FileHandle): Promise<number> {
  const head = Buffer.alloc(UTF8_BOM.length);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return bytesRead === UTF8_BOM.length && head.equals(UTF8_BOM) ? UTF8_BOM.length : 0;
}

/** Reads a file once, streamed: its hash, size, line count, blank-line count and oversized lines. */
export async function factsOf(file: string): Promise<FileFacts> {
  const hash = createHash('sha256');
  let size = 0;
  let lines = 0;
  let blankLines = 0;
  let lineHasText = false;
  let lineHasBytes = false;
  let lineStart = 0;
  const oversized: FoundLine[] = [];
  const endLine = (end: number, endsWithNewline: boolean) => {
    lines++;
    if (!lineHasText) blankLines++;
    if (isOversized(end - lineStart, endsWithNewline)) oversized.push({ line: lines, bytes: end - lineStart, blank: !lineHasText, start: lineStart });
  };
  try {
    // Line 1 starts after the BOM: Hadoop's line reader drops it, so a BOM alone is no line, and
    // a BOM before whitespace is a blank line.
    const bom = await withHandle(file, bomBytes);
    lineStart = bom;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      for (let i = Math.max(0, bom - size); i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (byte === NEWLINE) {
          endLine(size + i, true);
          lineStart = size + i + 1;
          lineHasText = false;
          lineHasBytes = false;
        } else {
          lineHasBytes = true;
          if (!lineHasText && !WHITESPACE.has(byte)) lineHasText = true;
        }
      }
      size += chunk.length;
    }
    // A last line without a newline is a line too.
    if (lineHasBytes) endLine(size, false);
    const facts: FileFacts = { size, sha256: hash.digest('hex'), lines, blankLines };
    if (oversized.length > 0) facts.oversizedLines = await withPrefixes(file, oversized);
    return facts;
  } catch (error) {
    throw new LakeError(`cannot read input file ${file}: ${(error as Error).message}`, 'check that it exists and is readable');
  }
}

/** The oversized lines with their first bytes (read at each line's start). */
function withPrefixes(file: string, found: FoundLine[]): Promise<OversizedLine[]> {
  return withHandle(file, async (handle) => {
    const result: OversizedLine[] = [];
    for (const line of found) {
      const head = Buffer.alloc(recordPrefixBytes);
      const { bytesRead } = await handle.read(head, 0, recordPrefixBytes, line.start);
      result.push({ ...line, prefix: cutPrefix(head.subarray(0, bytesRead)).toString('base64') });
    }
    return result;
  });
}

async function withHandle<T>(file: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(file, 'r');
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}
