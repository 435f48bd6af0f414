import { stat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeError } from '../errors.js';
import { connectTokenFile, embeddedRemote, ensureConnectToken, readConnectToken } from './connect-token.js';

describe('the Spark Connect token of the embedded stack', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lake-token-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('is made once, 32 random bytes in hex, readable by its owner only', async () => {
    expect(readConnectToken(home)).toBeUndefined();
    const token = await ensureConnectToken(home);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(connectTokenFile(home)).toBe(path.join(home, 'secrets', 'spark-connect-token'));
    expect((await stat(connectTokenFile(home))).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(connectTokenFile(home)))).mode & 0o777).toBe(0o700);
    expect(await ensureConnectToken(home)).toBe(token);
    expect(readConnectToken(home)).toBe(token);
  });

  it('is the same for two `stack up` racing', async () => {
    const [first, second] = await Promise.all([ensureConnectToken(home), ensureConnectToken(home)]);
    expect(second).toBe(first);
  });

  it('goes into the default address of the embedded server', async () => {
    expect(embeddedRemote(home)).toBe('sc://127.0.0.1:15002');
    const token = await ensureConnectToken(home);
    expect(embeddedRemote(home)).toBe(`sc://127.0.0.1:15002/;token=${token}`);
  });

  it('says which file to delete when the token is damaged', async () => {
    await mkdir(path.dirname(connectTokenFile(home)), { recursive: true });
    await writeFile(connectTokenFile(home), 'not a token\n');
    expect(() => readConnectToken(home)).toThrow(LakeError);
    expect(() => readConnectToken(home)).toThrow(`the Spark Connect token in ${connectTokenFile(home)} is not 64 hex characters`);
  });
});
