// The API's HTTP behaviour over a fixed gold snapshot: shapes, errors, and every way a token can
// be wrong. Authentication, the users database and token handling are the real ones.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FixedGold, login, sampleGold, testApp } from './test-support.js';

describe('the token endpoints', () => {
  it('issue an access and a refresh token for the right password', async () => {
    const { app, alice } = await testApp();
    const res = await login(app).expect(200);
    expect(Object.keys(res.body as object).sort()).toEqual(['access', 'refresh']);
    const claims = jwt.decode((res.body as { access: string }).access, { complete: true });
    expect(claims?.header.alg).toBe('HS256');
    expect(claims?.payload).toMatchObject({ token_type: 'access', sub: alice.subject, iss: 'lake', aud: 'lake-api' });
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

  it('rotate refresh tokens: a new pair once, then the old refresh token is refused', async () => {
    const { app } = await testApp();
    const { refresh } = (await login(app)).body as { refresh: string };
    const first = await request(app).post('/api/token/refresh/').send({ refresh }).expect(200);
    expect(Object.keys(first.body as object).sort()).toEqual(['access', 'refresh']);
    await request(app).post('/api/token/refresh').send({ refresh: (first.body as { refresh: string }).refresh }).expect(200);
    const replay = await request(app).post('/api/token/refresh/').send({ refresh }).expect(401);
    expect((replay.body as { detail: string }).detail).toMatch(/already used/);
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
