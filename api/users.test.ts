import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserStore } from './users.js';

const folders: string[] = [];
const mode = (file: string) => statSync(file).mode & 0o777;

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the users database on disk', () => {
  it('is readable by its owner only, with its write-ahead log, in a folder of its own', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'lake-users-'));
    folders.push(folder);
    const file = path.join(folder, 'api', 'users.sqlite');
    const users = new UserStore(file);
    await users.create('alice', 'correct horse battery staple');
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
  });

  it('is made private when an older version left it readable by all', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'lake-users-'));
    folders.push(folder);
    const file = path.join(folder, 'users.sqlite');
    writeFileSync(file, '', { mode: 0o644 });
    new UserStore(file);
    expect(mode(file)).toBe(0o600);
  });
});
