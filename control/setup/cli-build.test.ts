import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtStamp, cliBuildState, compiledFolders } from '../../bin/cli-build.mjs';

describe('whether the compiled CLI is current (bin/cli-build.mjs)', () => {
  let root: string;
  const at = (seconds: number) => new Date(1_800_000_000_000 + seconds * 1000);

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lake-cli-build-'));
    for (const folder of compiledFolders) await mkdir(path.join(root, folder, 'nested'), { recursive: true });
    await writeFile(path.join(root, 'jobs', 'nested', 'gold.ts'), '');
    await utimes(path.join(root, 'jobs', 'nested', 'gold.ts'), at(0), at(0));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is missing before the first build, current after it, stale once a source is saved again', async () => {
    expect(cliBuildState(root)).toBe('missing');
    await mkdir(path.dirname(builtStamp(root)), { recursive: true });
    await writeFile(builtStamp(root), '');
    await utimes(builtStamp(root), at(10), at(10));
    expect(cliBuildState(root)).toBe('current');

    await utimes(path.join(root, 'jobs', 'nested', 'gold.ts'), at(20), at(20));
    expect(cliBuildState(root)).toBe('stale');
  });

  it('ignores tests, which are not compiled', async () => {
    await mkdir(path.dirname(builtStamp(root)), { recursive: true });
    await writeFile(builtStamp(root), '');
    await utimes(builtStamp(root), at(10), at(10));
    await writeFile(path.join(root, 'api', 'nested', 'app.test.ts'), '');
    await utimes(path.join(root, 'api', 'nested', 'app.test.ts'), at(20), at(20));
    expect(cliBuildState(root)).toBe('current');
  });
});
