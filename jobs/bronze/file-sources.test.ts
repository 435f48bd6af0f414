import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { factsOf, listInputFiles } from './file-sources.js';

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

  it('names the file it cannot read', async () => {
    await expect(factsOf(path.join(dir, 'nope.csv'))).rejects.toThrow(/cannot read input file .*nope\.csv/);
  });
});
