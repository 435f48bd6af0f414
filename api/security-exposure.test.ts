// The security suite (api/security.test.ts lists it): what could leak. Files holding secrets are
// readable by their owner only (the users database, the JWT secret, the Spark Connect token), a
// guessable JWT secret is refused, and what anyone may ask (/api/ready) tells nothing internal.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { LakeError } from '../control/errors.js';
import { connectTokenFile, ensureConnectToken } from '../control/stack/connect-token.js';
import { loadApiConfig } from './config.js';
import { FixedGold, testApp } from './test-support.js';
import { UserStore } from './users.js';

const folders: string[] = [];
function folder(): string {
  const made = mkdtempSync(path.join(os.tmpdir(), 'lake-exposure-'));
  folders.push(made);
  return made;
}
afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});
const mode = (file: string) => statSync(file).mode & 0o777;

describe('files holding secrets', () => {
  it('the users database is readable by its owner only, with its write-ahead log, in a folder of its own', async () => {
    const file = path.join(folder(), 'api', 'users.sqlite');
    const users = new UserStore(file);
    await users.create('alice', 'correct horse battery staple');
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    users.close();
  });

  it('the users database is made private when an older version left it readable by all', () => {
    const file = path.join(folder(), 'users.sqlite');
    writeFileSync(file, '', { mode: 0o644 });
    new UserStore(file).close();
    expect(mode(file)).toBe(0o600);
  });

  it('the JWT secret made for the embedded stack is readable by its owner only, in a folder of its own', () => {
    const home = folder();
    const { jwtSecret } = loadApiConfig({}, home);
    const file = path.join(home, 'secrets', 'jwt-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(jwtSecret);
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
  });

  it('the JWT secret is made private when an older version left it readable by all', () => {
    const home = folder();
    const file = path.join(home, 'secrets', 'jwt-secret');
    mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('hex');
    writeFileSync(file, `${secret}\n`, { mode: 0o644 });
    expect(loadApiConfig({}, home).jwtSecret).toBe(secret);
    expect(mode(file)).toBe(0o600);
  });

  it('the Spark Connect token is readable by its owner only', async () => {
    const home = folder();
    await ensureConnectToken(home);
    expect(mode(connectTokenFile(home))).toBe(0o600);
    expect(mode(path.dirname(connectTokenFile(home)))).toBe(0o700);
  });
});

describe('a guessable JWT secret', () => {
  const refusal = (secret: string, env: Record<string, string> = {}) => {
    try {
      loadApiConfig({ JWT_SECRET: secret, ...env }, '/nonexistent');
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it.each([
    ['one character repeated', 'x'.repeat(64)],
    ['a word repeated', 'changeme'.repeat(4)],
    ['two characters alternating', 'abab'.repeat(16)],
    ['a password repeated', 'Password123!'.repeat(3)],
    ['the hex digits twice', '0123456789abcdef'.repeat(2)],
    ['the alphabet and the digits in order', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a keyboard run repeated', 'qwertyuiop'.repeat(4)],
  ])('is refused in production, whatever its length: %s', (_name, secret) => {
    const error = refusal(secret, { NODE_ENV: 'production' });
    expect(error).toBeInstanceOf(LakeError);
    expect((error as LakeError).message).toBe('the JWT signing secret from JWT_SECRET is too predictable (repeats, runs such as abcd or 1234, or few distinct characters)');
    expect((error as LakeError).hint).toMatch(/randomBytes\(32\)/);
  });

  it('is refused when shorter than 32 bytes', () => {
    expect((refusal(randomBytes(15).toString('hex')) as LakeError).message).toMatch(/shorter than 32 bytes/);
  });

  it.each([
    ['32 random bytes in hex, as the README says to make it', randomBytes(32).toString('hex')],
    ['32 random bytes in base64', randomBytes(32).toString('base64')],
    ['a long passphrase of unrelated words', 'correct horse battery staple of the lake api'],
  ])('is not what a strong one is: %s is accepted', (_name, secret) => {
    expect(refusal(secret, { NODE_ENV: 'production' })).toBeUndefined();
  });

  it('is required in production: there is no fallback', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production' }, '/nonexistent')).toThrow(/JWT_SECRET is not set/);
  });
});

describe('what anyone may ask', () => {
  it.each([
    ['stale', 200, { state: 'stale' as const, version: '20261128T101010Z-abcd', loadedAt: '2026-11-28T10:10:11.000Z', checkedAt: '2026-11-28T10:20:00.000Z', error: 'cannot reach hdfs://namenode.internal:8020/lake: Connection refused' }],
    ['empty', 503, { state: 'empty' as const, checkedAt: '2026-11-28T10:20:00.000Z', error: 'SparkConnectError at /opt/lake/control/spark/session.ts:42' }],
  ])('/api/ready says %s and nothing internal: no error, version or times', async (state, status, goldState) => {
    const gold = new FixedGold();
    gold.state = goldState;
    if (state === 'empty') gold.current = undefined;
    const { app } = await testApp({}, gold);
    const res = await request(app).get('/api/ready').expect(status);
    expect(res.body).toEqual({ ready: state !== 'empty', gold: { state } });
  });
});
