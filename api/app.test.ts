// The API's HTTP behaviour over a fixed gold snapshot: shapes, errors, and every way a token can
// be wrong. Authentication, the users database and token handling are the real ones.
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FixedGold, SECRET, sampleGold, testApp } from './test-support.js';

const login = (app: Parameters<typeof request>[0], username = 'alice', password = 'correct horse battery') =>
  request(app).post('/api/token/').send({ username, password });

/** A token signed by hand, with claims an attacker or a bug might choose. */
function forge(claims: Record<string, unknown>, secret: string | Buffer = SECRET, options: jwt.SignOptions = {}) {
  const signOptions: jwt.SignOptions = { algorithm: 'HS256', subject: '1', issuer: 'lake', audience: 'lake-api', expiresIn: 60, jwtid: 'j1', ...options };
  if (signOptions.expiresIn === undefined) delete signOptions.expiresIn;
  return jwt.sign({ token_type: 'access', ver: 0, ...claims }, secret, signOptions);
}

describe('the token endpoints', () => {
  it('issue an access and a refresh token for the right password', async () => {
    const { app } = await testApp();
    const res = await login(app).expect(200);
    expect(Object.keys(res.body as object).sort()).toEqual(['access', 'refresh']);
    const claims = jwt.decode((res.body as { access: string }).access, { complete: true });
    expect(claims?.header.alg).toBe('HS256');
    expect(claims?.payload).toMatchObject({ token_type: 'access', sub: '1', iss: 'lake', aud: 'lake-api' });
  });

  it('forbid every cache to store a token answer (RFC 6749 §5.1)', async () => {
    const { app } = await testApp();
    const pair = await login(app).expect(200);
    const refreshed = await request(app).post('/api/token/refresh/').send({ refresh: (pair.body as { refresh: string }).refresh }).expect(200);
    for (const res of [pair, refreshed]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
  });

  it('answer an unknown user and a wrong password alike', async () => {
    const { app } = await testApp();
    const unknown = await login(app, 'mallory', 'whatever1').expect(401);
    const wrong = await login(app, 'alice', 'wrong password').expect(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toEqual({ detail: 'No active account found with the given credentials' });
  });

  it.each([
    ['no body', undefined, 400],
    ['an array', [], 400],
    ['a missing password', { username: 'alice' }, 400],
    ['a number as username', { username: 7, password: 'x' }, 400],
  ])('refuse %s with 400', async (_name, body, status) => {
    const { app } = await testApp();
    const res = await request(app).post('/api/token/').send(body as object).expect(status);
    expect(res.body).toHaveProperty('detail');
  });

  it('refuse malformed JSON with 400 and an oversized body with 413, without a stack trace', async () => {
    const { app } = await testApp();
    const bad = await request(app).post('/api/token/').set('Content-Type', 'application/json').send('{"username": "alice",').expect(400);
    expect(bad.body).toEqual({ detail: 'Request body is not valid JSON' });
    const big = await request(app).post('/api/token/').send({ username: 'alice', password: 'x'.repeat(20_000) }).expect(413);
    expect(JSON.stringify(big.body)).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('take SQL-like and unicode usernames as plain data', async () => {
    const { app, users } = await testApp();
    await login(app, "alice' OR '1'='1", 'x').expect(401);
    await login(app, "'; DROP TABLE users; --", 'x').expect(401);
    await users.create('zoë 🦊', 'unicode password ✓');
    await login(app, 'zoë 🦊', 'unicode password ✓').expect(200);
    // the same name in decomposed form is the same user
    await login(app, 'zoe\u0308 🦊', 'unicode password ✓').expect(200);
    expect(users.list().map((u) => u.username)).toEqual(['alice', 'zoë 🦊']);
  });

  it('rate-limit failed logins per client and username, and let them in again after the window', async () => {
    const { app } = await testApp({ API_LOGIN_ATTEMPTS: '3', API_LOGIN_WINDOW: '1s' });
    for (let i = 0; i < 3; i++) await login(app, 'alice', 'wrong password').expect(401);
    const limited = await login(app).expect(429);
    expect((limited.body as { detail: string }).detail).toMatch(/Too many failed login attempts/);
    await login(app, 'bob', 'wrong password').expect(401); // another username is not blocked
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await login(app).expect(200);
  });

  it('rate-limit failed logins per client across usernames: password spraying', async () => {
    const { app } = await testApp({ API_LOGIN_ATTEMPTS: '10', API_LOGIN_CLIENT_ATTEMPTS: '5', API_LOGIN_WINDOW: '1s' });
    for (let i = 0; i < 5; i++) await login(app, `user-${i}`, 'Summer2026!').expect(401);
    // A sixth username from the same client, even with the right password, waits for the window.
    const limited = await login(app).expect(429);
    expect((limited.body as { detail: string }).detail).toMatch(/Too many failed login attempts/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await login(app).expect(200);
  });

  it('rotate refresh tokens: a new pair once, then the old refresh token is refused', async () => {
    const { app } = await testApp();
    const { refresh } = (await login(app)).body as { refresh: string };
    const first = await request(app).post('/api/token/refresh/').send({ refresh }).expect(200);
    expect(Object.keys(first.body as object).sort()).toEqual(['access', 'refresh']);
    await request(app).post('/api/token/refresh').send({ refresh: (first.body as { refresh: string }).refresh }).expect(200);
    const replay = await request(app).post('/api/token/refresh/').send({ refresh }).expect(401);
    expect((replay.body as { detail: string }).detail).toMatch(/already used/);
  });

  it('revoke the whole session when a rotated refresh token comes back (RFC 9700 §4.14.2)', async () => {
    const { app } = await testApp();
    const { refresh: stolen } = (await login(app)).body as { refresh: string };
    const rotated = ((await request(app).post('/api/token/refresh/').send({ refresh: stolen }).expect(200)).body as { refresh: string }).refresh;
    // The stolen token is replayed: refused, and its family with it.
    await request(app).post('/api/token/refresh/').send({ refresh: stolen }).expect(401);
    const legitimate = await request(app).post('/api/token/refresh/').send({ refresh: rotated }).expect(401);
    expect((legitimate.body as { detail: string }).detail).toMatch(/used twice; log in again/);
    // Another login is another session.
    const again = (await login(app).expect(200)).body as { refresh: string };
    await request(app).post('/api/token/refresh/').send({ refresh: again.refresh }).expect(200);
  });

  it('end a session at its absolute lifetime, however often its refresh token rotates', async () => {
    const { app } = await testApp({ JWT_SESSION_TTL: '1h', JWT_REFRESH_TTL: '1d' });
    const started = Math.floor(Date.now() / 1000);
    let { refresh } = (await login(app)).body as { refresh: string };
    const first = jwt.decode(refresh) as { exp: number; sess: number; fam: string };
    expect(first.sess - started).toBeGreaterThanOrEqual(3600 - 1);
    expect(first.sess - started).toBeLessThanOrEqual(3600 + 1);
    expect(first.exp).toBe(first.sess); // a refresh token outlives its session never
    for (let i = 0; i < 3; i++) refresh = ((await request(app).post('/api/token/refresh/').send({ refresh }).expect(200)).body as { refresh: string }).refresh;
    const last = jwt.decode(refresh) as { exp: number; sess: number; fam: string };
    expect([last.sess, last.exp, last.fam]).toEqual([first.sess, first.sess, first.fam]);
  });

  it('without rotation, give only a new access token', async () => {
    const { app } = await testApp({ JWT_ROTATE_REFRESH_TOKENS: 'false' });
    const { refresh } = (await login(app)).body as { refresh: string };
    const res = await request(app).post('/api/token/refresh/').send({ refresh }).expect(200);
    expect(Object.keys(res.body as object)).toEqual(['access']);
  });

  it('refuse an access token as a refresh token', async () => {
    const { app } = await testApp();
    const { access } = (await login(app)).body as { access: string };
    const res = await request(app).post('/api/token/refresh/').send({ refresh: access }).expect(401);
    expect((res.body as { detail: string }).detail).toMatch(/wrong type/);
  });

  it('answer 405 with Allow for other methods', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/api/token/').expect(405);
    expect(res.headers.allow).toBe('POST');
    await request(app).delete('/api/campaign-metrics/').expect(405);
  });
});

describe('the metrics endpoints', () => {
  it('serve each gold table with its version and an ETag, with and without the trailing slash', async () => {
    const { app } = await testApp();
    const { access } = (await login(app)).body as { access: string };
    for (const [path, table] of [
      ['/api/total-sales-per-product/', 'total_sales_per_product'],
      ['/api/status-code-counts', 'status_code_counts'],
      ['/api/avg-likes-per-product/', 'avg_likes_per_product'],
      ['/api/campaign-metrics', 'campaign_metrics'],
    ] as const) {
      const res = await request(app).get(path).set('Authorization', `Bearer ${access}`).expect(200);
      expect(res.body).toEqual(sampleGold.tables[table]);
      expect(res.headers['x-gold-version']).toBe(sampleGold.version);
      await request(app).get(path).set('Authorization', `Bearer ${access}`).set('If-None-Match', res.headers.etag as string).expect(304);
    }
  });

  it('answer 503 before any gold is loaded, with the reason', async () => {
    const gold = new FixedGold();
    gold.current = undefined;
    gold.state = { state: 'empty', error: 'no gold version is published yet' };
    const { app } = await testApp({}, gold);
    const { access } = (await login(app)).body as { access: string };
    const res = await request(app).get('/api/campaign-metrics/').set('Authorization', `Bearer ${access}`).expect(503);
    expect(res.body).toEqual({ detail: 'Gold is not loaded yet: no gold version is published yet' });
    // Anyone may ask /api/ready: it says the state, never the internal reason.
    const ready = await request(app).get('/api/ready').expect(503);
    expect(ready.body).toEqual({ ready: false, gold: { state: 'empty' } });
    await request(app).get('/api/health').expect(200, { status: 'ok' });
  });

  it('set security headers and no x-powered-by; answer unknown paths with a JSON 404', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/api/nope').expect(404);
    expect(res.body).toEqual({ detail: 'No endpoint /api/nope' });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('a metrics request with a bad token', () => {
  const metrics = '/api/total-sales-per-product/';
  const detailOf = async (authorization: string | undefined, env: Record<string, string> = {}) => {
    const { app } = await testApp(env);
    const req = request(app).get(metrics);
    if (authorization !== undefined) req.set('Authorization', authorization);
    const res = await req.expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    return (res.body as { detail: string }).detail;
  };

  it.each([
    ['no header', undefined, /not provided/],
    ['another scheme', 'Basic YWxpY2U6cGFzcw==', /Bearer/],
    ['garbage', 'Bearer not.a.jwt', /invalid/],
    ['another secret', `Bearer ${forge({}, 'another-secret-of-enough-length-0123456789')}`, /signature/],
    ['an expired token', `Bearer ${forge({ exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, { expiresIn: undefined })}`, /expired/],
    ['nbf in the future', `Bearer ${forge({}, SECRET, { notBefore: 3600 })}`, /not valid yet/],
    ['a wrong issuer', `Bearer ${forge({}, SECRET, { issuer: 'evil' })}`, /not issued for this API/],
    ['a wrong audience', `Bearer ${forge({}, SECRET, { audience: 'other-api' })}`, /not issued for this API/],
    ['a refresh token', `Bearer ${forge({ token_type: 'refresh' })}`, /wrong type/],
    ['a token without token_type', `Bearer ${forge({ token_type: undefined })}`, /invalid/],
    ['an oversized token', `Bearer ${'a'.repeat(5000)}`, /too large/],
  ])('refuses %s with 401', async (_name, authorization, detail) => {
    expect(await detailOf(authorization)).toMatch(detail);
  });

  it('refuses alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: '1', token_type: 'access', ver: 0, jti: 'x', iss: 'lake', aud: 'lake-api', exp: 9e9 })).toString('base64url');
    expect(await detailOf(`Bearer ${header}.${body}.`)).toMatch(/invalid|algorithm|signature/);
  });

  it('refuses RS256 and an HS256 token signed with a public key (algorithm confusion)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await detailOf(`Bearer ${forge({}, privateKey.export({ type: 'pkcs8', format: 'pem' }), { algorithm: 'RS256' })}`)).toMatch(/algorithm|invalid/);
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const confused = forge({}, Buffer.from(pem), { algorithm: 'HS256' });
    expect(await detailOf(`Bearer ${confused}`)).toMatch(/signature/);
  });

  it('refuses the token of a deleted user, and tokens issued before a password change', async () => {
    const { app, users } = await testApp();
    const before = ((await login(app)).body as { access: string; refresh: string });
    await users.setPassword('alice', 'a brand new password');
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${before.access}`).expect(401);
    expect((res.body as { detail: string }).detail).toMatch(/revoked/);
    await request(app).post('/api/token/refresh/').send({ refresh: before.refresh }).expect(401);
    const after = ((await login(app, 'alice', 'a brand new password')).body as { access: string });
    await request(app).get(metrics).set('Authorization', `Bearer ${after.access}`).expect(200);
    users.delete('alice');
    const gone = await request(app).get(metrics).set('Authorization', `Bearer ${after.access}`).expect(401);
    expect((gone.body as { detail: string }).detail).toBe('User not found');
  });

  it("never gives a deleted user's id to a new user: the old tokens stay dead", async () => {
    const { app, users } = await testApp();
    await users.create('bob', 'bob password 123');
    const bobs = (await login(app, 'bob', 'bob password 123')).body as { access: string; refresh: string };
    users.delete('bob'); // the newest user: SQLite alone would give its id again
    const carol = await users.create('carol', 'carol password 123');
    expect(carol.id).toBe(3);
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${bobs.access}`).expect(401);
    expect((res.body as { detail: string }).detail).toBe('User not found');
    await request(app).post('/api/token/refresh/').send({ refresh: bobs.refresh }).expect(401);
  });

  it("ends every session of a user on `lake user revoke`, and lets them log in again", async () => {
    const { app, users } = await testApp();
    const before = (await login(app)).body as { access: string; refresh: string };
    users.revokeSessions('alice');
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${before.access}`).expect(401);
    expect((res.body as { detail: string }).detail).toMatch(/sessions were ended/);
    await request(app).post('/api/token/refresh/').send({ refresh: before.refresh }).expect(401);
    const after = (await login(app)).body as { access: string };
    await request(app).get(metrics).set('Authorization', `Bearer ${after.access}`).expect(200);
  });
});
