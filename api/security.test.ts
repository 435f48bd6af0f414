// The API's security suite, one attack class a block, against the real app (authentication, users
// database, tokens) over a fixed gold snapshot. The classes the other API tests already cover are
// named here with where they are, so this file is the list:
// - alg none, another key, RS256 and HS256-with-the-public-key confusion, expiry, nbf, issuer,
//   audience, wrong token type, oversized token: app.test.ts, "a metrics request with a bad token";
// - deleted users, reused ids, password change, `lake user revoke`, refresh-token reuse and the
//   session's absolute lifetime: app.test.ts; files 0600 and the secret's strength: users.test.ts,
//   config.test.ts; login caps per user and per client: app.test.ts;
// - an open event stream outliving its token or its user's revocation, and streams beyond the
//   cap: events.test.ts.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { decoyHash, hashPassword } from './passwords.js';
import { SECRET, testApp } from './test-support.js';

const metrics = '/api/total-sales-per-product/';
type App = Parameters<typeof request>[0];

const login = (app: App, username = 'alice', password = 'correct horse battery') => request(app).post('/api/token/').send({ username, password });

async function accessToken(app: App): Promise<string> {
  return ((await login(app).expect(200)).body as { access: string }).access;
}

/** A token signed with the API's own secret but claims of the attacker's choosing (a leaked secret, or a bug). */
function signed(claims: Record<string, unknown>): string {
  return jwt.sign({ token_type: 'access', ver: 0, sub: '1', jti: 'j1', iss: 'lake', aud: 'lake-api', ...claims }, SECRET, { algorithm: 'HS256', expiresIn: 60 });
}

const part = (token: string, index: number) => JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('an altered token', () => {
  it.each([
    ['another user', { sub: '2' }],
    ['a later expiry', { exp: 9_999_999_999 }],
    ['a refresh type', { token_type: 'refresh' }],
    ['another token version', { ver: 7 }],
  ])('is refused when its payload names %s under the original signature', async (_name, change) => {
    const { app, users } = await testApp();
    await users.create('bob', 'another good password');
    const token = await accessToken(app);
    const [header, , signature] = token.split('.');
    const payload = { ...part(token, 1), ...change };
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${header}.${encode(payload)}.${signature}`).expect(401);
    expect((res.body as { detail: string }).detail).toMatch(/signature/);
  });

  it('is refused when its header is swapped for another algorithm under the original signature', async () => {
    const { app } = await testApp();
    const [, payload, signature] = (await accessToken(app)).split('.');
    for (const alg of ['HS512', 'none', 'RS256']) {
      await request(app).get(metrics).set('Authorization', `Bearer ${encode({ alg, typ: 'JWT' })}.${payload}.${signature}`).expect(401);
    }
  });
});

describe('claims of the wrong type, even when signed', () => {
  it.each([
    ['sub as a number', { sub: 1 }],
    ['sub as an object', { sub: { $gt: 0 } }],
    ['sub with SQL', { sub: '1 OR 1=1' }],
    ['sub negative', { sub: '-1' }],
    ['ver as a string', { ver: '0' }],
    ['ver as null', { ver: null }],
    ['token_type as an array', { token_type: ['access'] }],
    ['jti empty', { jti: '' }],
  ])('refuses %s', async (_name, claims) => {
    const { app } = await testApp();
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${signed(claims)}`).expect(401);
    expect((res.body as { detail: string }).detail).toMatch(/invalid|not found/i);
  });

  it('accepts the same token with well-typed claims (the cases above fail for their types alone)', async () => {
    const { app } = await testApp();
    await request(app).get(metrics).set('Authorization', `Bearer ${signed({})}`).expect(200);
  });
});

describe('header and body abuse', () => {
  it.each([
    ['two tokens', (token: string) => `Bearer ${token} ${token}`],
    ['a token cut short', (token: string) => `Bearer ${token.slice(0, -1)}`],
    ['a lower-case scheme and no space', (token: string) => `bearer${token}`],
    ['a token quoted', (token: string) => `Bearer "${token}"`],
  ])('refuses an Authorization header with %s', async (_name, header) => {
    const { app } = await testApp();
    const res = await request(app).get(metrics).set('Authorization', header(await accessToken(app)));
    expect(res.status).toBe(401);
  });

  it('takes the token from the Authorization header only, never from the query string or a cookie', async () => {
    const { app } = await testApp();
    const token = await accessToken(app);
    await request(app).get(`${metrics}?access_token=${token}&token=${token}`).expect(401);
    await request(app).get(metrics).set('Cookie', `access=${token}; token=${token}`).expect(401);
  });

  it.each([
    ['a form-encoded body', 'application/x-www-form-urlencoded', 'username=alice&password=correct+horse+battery'],
    ['a JSON body sent as text', 'text/plain', '{"username":"alice","password":"correct horse battery"}'],
    ['a prototype-polluting body', 'application/json', '{"username":"alice","password":"x","__proto__":{"isAdmin":true}}'],
    ['a password as an object', 'application/json', '{"username":"alice","password":{"$ne":null}}'],
  ])('logs nobody in with %s', async (_name, type, body) => {
    const { app } = await testApp();
    const res = await request(app).post('/api/token/').set('Content-Type', type).send(body);
    expect([400, 401, 415]).toContain(res.status);
    expect(res.body).not.toHaveProperty('access');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('path traversal', () => {
  it.each([
    '/api/../package.json',
    '/api/%2e%2e/%2e%2e/package.json',
    '/dashboard/vendor/..%2f..%2f..%2fpackage.json',
    '/dashboard/vendor/%2e%2e%2fapi%2fusers.ts',
    '/dashboard/..%2f..%2f.lake/users.sqlite',
    '/api/total-sales-per-product/..%2f..%2f..%2fetc%2fpasswd',
  ])('serves no file outside the API for %s', async (path) => {
    const { app } = await testApp();
    const res = await request(app).get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toMatch(/"dependencies"|root:x:0|SQLite format|import /);
  });
});

describe('enumeration of usernames', () => {
  it('answers an unknown user as a wrong password, in body, status and headers that matter', async () => {
    const { app } = await testApp();
    const unknown = await login(app, 'nobody-here', 'whatever it is');
    const wrong = await login(app, 'alice', 'whatever it is');
    expect([unknown.status, unknown.body]).toEqual([wrong.status, wrong.body]);
    expect(unknown.headers['content-length']).toBe(wrong.headers['content-length']);
  });

  it('does the same password work for an unknown user: the decoy hash has the cost of a real one', async () => {
    // UserStore.authenticate checks an unknown user's password against the decoy hash.
    const costOf = (hash: string) => hash.split('$').slice(0, 4).join('$');
    expect(costOf(await decoyHash)).toBe(costOf(await hashPassword('as a user is created')));
    expect(costOf(await decoyHash)).toMatch(/^scrypt\$\d+\$\d+\$\d+$/);
  });
});
