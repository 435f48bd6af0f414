import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BronzeRun, FileStamp } from '../../control/runs/manifest.js';
import { recordedFiles, sameStamp, seeFile, settledStamp, stampOf } from './file-stamps.js';

const stamp = (changedAtMs: number, overrides: Partial<FileStamp> = {}): FileStamp => ({
  size: 10,
  mtimeNs: String(BigInt(changedAtMs) * 1_000_000n),
  ctimeNs: String(BigInt(changedAtMs) * 1_000_000n + 123n),
  ino: '42',
  ...overrides,
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('bronze file stamps', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-stamps-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records a stamp only for a file left alone while read and for two seconds before', () => {
    const readAt = 1_000_000;
    expect(settledStamp(stamp(readAt - 5000), stamp(readAt - 5000), readAt)).toEqual(stamp(readAt - 5000));
    // Changed a second before the read: a write in the same clock tick could follow unseen.
    expect(settledStamp(stamp(readAt - 1000), stamp(readAt - 1000), readAt)).toBeUndefined();
    // Changed while read.
    expect(settledStamp(stamp(readAt - 5000), stamp(readAt - 5000, { ctimeNs: '999' }), readAt)).toBeUndefined();
    expect(settledStamp(stamp(readAt - 5000), stamp(readAt - 5000, { size: 11 }), readAt)).toBeUndefined();
  });

  it('takes every field of a stamp into account', () => {
    const base = stamp(5000);
    for (const change of [{ size: 11 }, { mtimeNs: '1' }, { ctimeNs: '1' }, { ino: '43' }]) expect(sameStamp(base, { ...base, ...change })).toBe(false);
    expect(sameStamp(base, { ...base })).toBe(true);
  });

  it('remembers the newest stamped reading of each input file, and forgets it when a newer one had none', () => {
    const run = (files: BronzeRun['files']): BronzeRun => ({ layer: 'bronze', files }) as BronzeRun;
    const landed = (p: string, sha: string, s?: FileStamp) => ({ path: p, landedAt: `bronze/transactions/batch_id=x/${p}`, size: 10, sha256: sha, lines: 1, blankLines: 0, ...(s && { stamp: s }) });
    const recorded = recordedFiles([
      run({ transactions: { landed: [landed('a.csv', 'old', stamp(1)), landed('b.csv', 'b', stamp(2))], skipped: [] } }),
      run({ transactions: { landed: [], skipped: [{ path: 'a.csv', sha256: 'new', sameAs: 'x', stamp: stamp(3) }, { path: 'b.csv', sha256: 'b', sameAs: 'y' }] } }),
    ]);
    expect([...recorded.keys()]).toEqual(['transactions/a.csv']);
    expect(recorded.get('transactions/a.csv')).toEqual({ sha256: 'new', stamp: stamp(3) });
  });

  it('does not read a file whose stamp is the one recorded, and reads it once anything changed', async () => {
    const absolutePath = path.join(dir, 'a.csv');
    await writeFile(absolutePath, 'id\n1\n');
    const file = { relativePath: 'a.csv', absolutePath };
    const recorded = { sha256: 'what-bronze-read-then', stamp: await stampOf(absolutePath) };
    const known = new Map([['what-bronze-read-then', 'bronze/transactions/batch_id=1/a.csv']]);

    // The recorded content is taken on trust: reading would have given the file's real hash.
    expect(await seeFile(file, recorded, known)).toEqual({ file, sha256: 'what-bronze-read-then', sameAs: 'bronze/transactions/batch_id=1/a.csv', stamp: recorded.stamp });
    // Unless the lake no longer holds that content.
    expect(await seeFile(file, recorded, new Map())).toMatchObject({ facts: { sha256: sha256('id\n1\n') } });

    // Rewritten in place with the same size and its old modification time put back: the change
    // time moved, so the file is read. It was changed just now, so no stamp is recorded yet.
    const { atime, mtime } = await stat(absolutePath);
    await writeFile(absolutePath, 'id\n2\n');
    await utimes(absolutePath, atime, mtime);
    const seen = await seeFile(file, recorded, known);
    expect(seen).toMatchObject({ facts: { sha256: sha256('id\n2\n'), lines: 2 } });
    expect(seen.stamp).toBeUndefined();
  });

  it('says which input file it cannot stamp', async () => {
    await expect(stampOf(path.join(dir, 'gone.csv'))).rejects.toThrow(/cannot read input file .*gone\.csv/);
  });
});
