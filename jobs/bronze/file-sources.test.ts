import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { factsOf, listInputFiles } from './file-sources.js';
import { maxRecordBytes } from './oversized-lines.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('bronze file sources', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists regular files recursively in path order, skipping dot names', async () => {
    await mkdir(path.join(dir, 'b', '.hidden'), { recursive: true });
    await writeFile(path.join(dir, 'b', 'z.csv'), 'x');
    await writeFile(path.join(dir, 'b', '.hidden', 'h.csv'), 'x');
    await writeFile(path.join(dir, 'a.log'), 'x');
    await writeFile(path.join(dir, '.DS_Store'), 'x');
    await writeFile(path.join(dir, 'B.txt'), 'x');
    await symlink(path.join(dir, 'a.log'), path.join(dir, 'c-link.log'));
    expect((await listInputFiles(dir)).map((f) => f.relativePath)).toEqual(['B.txt', 'a.log', 'b/z.csv', 'c-link.log']);
    expect(await listInputFiles(path.join(dir, 'missing'))).toEqual([]);
  });

  it('hashes and counts lines and blank lines, CRLF and a last line without newline included', async () => {
    const content = Buffer.from('\ufeffa,b\r\n1,2\r\n\r\n   \t\n3,4\n\n5,6');
    await writeFile(path.join(dir, 'f.csv'), content);
    expect(await factsOf(path.join(dir, 'f.csv'))).toEqual({
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      lines: 7,
      blankLines: 3,
    });
  });

  it('counts an empty file as no lines, and a whitespace-only last line as blank', async () => {
    await writeFile(path.join(dir, 'empty'), '');
    await writeFile(path.join(dir, 'ws'), 'a\n  ');
    expect(await factsOf(path.join(dir, 'empty'))).toMatchObject({ size: 0, lines: 0, blankLines: 0 });
    expect(await factsOf(path.join(dir, 'ws'))).toMatchObject({ lines: 2, blankLines: 1 });
  });

  it("does not count a UTF-8 BOM at the start of a file as part of line 1 (silver's line reader drops it)", async () => {
    await writeFile(path.join(dir, 'bom-only'), BOM);
    await writeFile(path.join(dir, 'bom-blank'), Buffer.concat([BOM, Buffer.from(' \t\nx')]));
    await writeFile(path.join(dir, 'bom-later'), Buffer.concat([Buffer.from('x\n'), BOM]));
    expect(await factsOf(path.join(dir, 'bom-only'))).toMatchObject({ size: 3, lines: 0, blankLines: 0 });
    expect(await factsOf(path.join(dir, 'bom-blank'))).toMatchObject({ size: 7, lines: 2, blankLines: 1 });
    // Anywhere else it is text.
    expect(await factsOf(path.join(dir, 'bom-later'))).toMatchObject({ lines: 2, blankLines: 0 });
  });

  it('notes each oversized line: where it starts, its bytes (without LF, nor BOM), whether blank, its first KiB', async () => {
    const line1 = Buffer.alloc(maxRecordBytes, 'a'); // with its LF, one byte too many
    const blank = Buffer.alloc(maxRecordBytes, ' ');
    const last = Buffer.alloc(maxRecordBytes + 1, 'z'); // no LF: too large by its own bytes
    const content = Buffer.concat([BOM, line1, Buffer.from('\nshort\n'), blank, Buffer.from('\n'), last]);
    await writeFile(path.join(dir, 'big'), content);
    const blankStart = 3 + maxRecordBytes + 1 + 'short\n'.length;
    expect((await factsOf(path.join(dir, 'big'))).oversizedLines).toEqual([
      { line: 1, start: 3, bytes: maxRecordBytes, blank: false, prefix: Buffer.alloc(1024, 'a').toString('base64') },
      { line: 3, start: blankStart, bytes: maxRecordBytes, blank: true, prefix: Buffer.alloc(1024, ' ').toString('base64') },
      { line: 4, start: blankStart + maxRecordBytes + 1, bytes: maxRecordBytes + 1, blank: false, prefix: Buffer.alloc(1024, 'z').toString('base64') },
    ]);
    // A last line of exactly the limit, without LF, is not too large.
    await writeFile(path.join(dir, 'edge'), Buffer.alloc(maxRecordBytes, 'e'));
    expect((await factsOf(path.join(dir, 'edge'))).oversizedLines).toBeUndefined();
  });

  it('names the file it cannot read', async () => {
    await expect(factsOf(path.join(dir, 'nope.csv'))).rejects.toThrow(/cannot read input file .*nope\.csv/);
  });
});
