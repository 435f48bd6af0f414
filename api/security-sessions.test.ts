// The security suite (api/security.test.ts lists it): users and sessions. Who a token names, how a
// session ends — deleting the user, a password change, `lake user revoke`, a replayed refresh
// token, the session's absolute lifetime — and token answers kept out of caches.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userCommand } from '../control/cli/user.js';
import { createApp } from './app.js';
import { hashPassword } from './passwords.js';
import { FixedGold, SECRET, login, refreshWith, testApp, testConfig, tokenPair } from './test-support.js';
import { UserStore } from './users.js';

const metrics = '/api/total-sales-per-product/';
type App = Parameters<typeof request>[0];
const detail = (res: { body: unknown }) => (res.body as { detail: string }).detail;
const bearer = (app: App, access: string) => request(app).get(metrics).set('Authorization', `Bearer ${access}`);

const folders: string[] = [];
function folder(): string {
  const made = mkdtempSync(path.join(os.tmpdir(), 'lake-sessions-'));
  folders.push(made);
  return made;
}
afterEach(() => {
  vi.unstubAllEnvs();
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

describe('who a token names', () => {
  it("refuses a deleted user's tokens, and still does once another user is created", async () => {
    const { app, users } = await testApp();
    await users.create('bob', 'bob password 123');
    const bobs = await tokenPair(app, 'bob', 'bob password 123');
    users.delete('bob'); // the newest user: SQLite gives a deleted largest row id again
    await users.create('carol', 'carol password 123');
    expect(detail(await bearer(app, bobs.access).expect(401))).toBe('User not found');
    expect(detail(await refreshWith(app, bobs.refresh).expect(401))).toBe('User not found');
  });

  it("refuses a user's tokens after the users database is made again from scratch with the same names", async () => {
    const config = testConfig();
    const before = new UserStore(':memory:');
    await before.create('alice', 'correct horse battery');
    const old = await tokenPair(createApp({ config, users: before, gold: new FixedGold(), version: 'test' }));
    // The same user created first in a new database (lost, deleted, restored from an older copy).
    const after = new UserStore(':memory:');
    await after.create('alice', 'correct horse battery');
    const app = createApp({ config, users: after, gold: new FixedGold(), version: 'test' });
    expect(detail(await bearer(app, old.access).expect(401))).toBe('User not found');
    await refreshWith(app, old.refresh).expect(401);
    await bearer(app, (await tokenPair(app)).access).expect(200);
  });

  it('keeps every user of a database made by an earlier version, each with an identity of their own', async () => {
    const file = path.join(folder(), 'users.sqlite');
    // The schema as the API made it before tokens named users by a random identity.
    const old = new Database(file);
    old.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, token_version INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
      CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
      CREATE TABLE last_user_id (one INTEGER PRIMARY KEY CHECK (one = 1), id INTEGER NOT NULL);
    `);
    const insert = old.prepare('INSERT INTO users (id, username, password_hash, token_version, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run(1, 'alice', await hashPassword('correct horse battery'), 3, '2026-11-01T00:00:00.000Z');
    insert.run(4, 'bob', await hashPassword('bob password 123'), 0, '2026-11-02T00:00:00.000Z');
    old.close();
    // A token of alice's from before, which named her by row id.
    const oldToken = jwt.sign({ token_type: 'access', ver: 3 }, SECRET, { algorithm: 'HS256', subject: '1', issuer: 'lake', audience: 'lake-api', jwtid: 'j1', expiresIn: 60 });

    const users = new UserStore(file);
    expect(users.list().map(({ username, tokenVersion, createdAt }) => [username, tokenVersion, createdAt])).toEqual([
      ['alice', 3, '2026-11-01T00:00:00.000Z'],
      ['bob', 0, '2026-11-02T00:00:00.000Z'],
    ]);
    const [alice, bob] = users.list();
    expect(alice!.subject).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(bob!.subject).not.toBe(alice!.subject);
    const app = createApp({ config: testConfig(), users, gold: new FixedGold(), version: 'test' });
    await bearer(app, oldToken).expect(401);
    await bearer(app, (await tokenPair(app)).access).expect(200);
    await tokenPair(app, 'bob', 'bob password 123');
    users.close();
    // Opened again, nothing changes: the identities tokens carry stay.
    const again = new UserStore(file);
    expect(again.list().map((user) => user.subject)).toEqual([alice!.subject, bob!.subject]);
    again.close();
  });
});

describe('ending sessions', () => {
  it('refuses tokens issued before a password change, and lets the new password in', async () => {
    const { app, users } = await testApp();
    const before = await tokenPair(app);
    await users.setPassword('alice', 'a brand new password');
    expect(detail(await bearer(app, before.access).expect(401))).toMatch(/revoked/);
    await refreshWith(app, before.refresh).expect(401);
    await bearer(app, (await tokenPair(app, 'alice', 'a brand new password')).access).expect(200);
  });

  it('ends every session of a user with `lake user revoke <name>`, password unchanged', async () => {
    const file = path.join(folder(), 'users.sqlite');
    vi.stubEnv('LAKE_USERS_DB', file);
    vi.stubEnv('JWT_SECRET', SECRET);
    const users = new UserStore(file);
    await users.create('alice', 'correct horse battery');
    const app = createApp({ config: testConfig(), users, gold: new FixedGold(), version: 'test' });
    const first = await tokenPair(app);
    const second = await tokenPair(app);
    const write = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    try {
      await userCommand().parseAsync(['revoke', 'alice'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    for (const { access, refresh } of [first, second]) {
      expect(detail(await bearer(app, access).expect(401))).toMatch(/sessions were ended/);
      await refreshWith(app, refresh).expect(401);
    }
    await bearer(app, (await tokenPair(app)).access).expect(200);
    users.close();
  });

  it("takes another process's revocation, password change or deletion at the next request, the user just read or not", async () => {
    // Each API worker keeps the users it read while the database is unchanged (UserStore.bySubject):
    // a change by another connection (another worker, `lake user …`) must end that at once.
    const file = path.join(folder(), 'users.sqlite');
    const users = new UserStore(file);
    const elsewhere = new UserStore(file);
    await users.create('alice', 'correct horse battery');
    await users.create('bob', 'bob password 123');
    const app = createApp({ config: testConfig(), users, gold: new FixedGold(), version: 'test' });
    try {
      const alices = await tokenPair(app);
      await bearer(app, alices.access).expect(200);
      elsewhere.revokeSessions('alice');
      expect(detail(await bearer(app, alices.access).expect(401))).toMatch(/sessions were ended/);
      const again = await tokenPair(app);
      await bearer(app, again.access).expect(200);
      await elsewhere.setPassword('alice', 'a brand new password');
      expect(detail(await bearer(app, again.access).expect(401))).toMatch(/password changed/);
      const bobs = await tokenPair(app, 'bob', 'bob password 123');
      await bearer(app, bobs.access).expect(200);
      elsewhere.delete('bob');
      expect(detail(await bearer(app, bobs.access).expect(401))).toBe('User not found');
      // A user made again with the same name is someone else: the old tokens still name nobody.
      await elsewhere.create('bob', 'bob password 123');
      expect(detail(await bearer(app, bobs.access).expect(401))).toBe('User not found');
    } finally {
      elsewhere.close();
      users.close();
    }
  });

  it('revokes the whole session when a rotated refresh token comes back (RFC 9700 §4.14.2)', async () => {
    const { app } = await testApp();
    const { refresh: stolen } = await tokenPair(app);
    const rotated = ((await refreshWith(app, stolen).expect(200)).body as { refresh: string }).refresh;
    // The stolen token is replayed: refused, and its family with it, the legitimate holder's token too.
    expect(detail(await refreshWith(app, stolen).expect(401))).toMatch(/already used/);
    expect(detail(await refreshWith(app, rotated).expect(401))).toMatch(/used twice; log in again/);
    // Another login is another session.
    await refreshWith(app, (await tokenPair(app)).refresh).expect(200);
  });

  it('ends a session at its absolute lifetime, however often its refresh token rotates; no access token outlives it', async () => {
    const { app } = await testApp({ JWT_SESSION_TTL: '60s', JWT_ACCESS_TTL: '5m', JWT_REFRESH_TTL: '1d' });
    const started = Math.floor(Date.now() / 1000);
    let pair = await tokenPair(app);
    const first = jwt.decode(pair.refresh) as { exp: number; sess: number; fam: string };
    expect(first.sess - started).toBeGreaterThanOrEqual(59);
    expect(first.sess - started).toBeLessThanOrEqual(61);
    for (let i = 0; i < 3; i++) {
      expect((jwt.decode(pair.refresh) as { exp: number }).exp).toBe(first.sess);
      expect((jwt.decode(pair.access) as { exp: number }).exp).toBe(first.sess); // not 5 minutes
      pair = (await refreshWith(app, pair.refresh).expect(200)).body as typeof pair;
    }
    expect(jwt.decode(pair.refresh)).toMatchObject({ sess: first.sess, exp: first.sess, fam: first.fam });
  });

  it('refuses a refresh token once its session is over', async () => {
    const { app } = await testApp({ JWT_SESSION_TTL: '1s' });
    const { refresh } = await tokenPair(app);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(detail(await refreshWith(app, refresh).expect(401))).toBe('Token is expired');
  });
});

describe('token answers', () => {
  it('are never stored by a cache (RFC 6749 §5.1)', async () => {
    const { app } = await testApp();
    const pair = await login(app).expect(200);
    const refreshed = await refreshWith(app, (pair.body as { refresh: string }).refresh).expect(200);
    for (const res of [pair, refreshed]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
  });
});
