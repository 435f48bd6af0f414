// The API's security suite, one attack class a block, against the real app (authentication, users
// database, tokens) over a fixed gold snapshot. This file: forged and altered tokens, claims of the
// wrong type, header and body abuse, path traversal, and username enumeration. Beside it:
// - security-sessions.test.ts: deleted users and identities never reused, password change,
//   `lake user revoke`, refresh-token reuse revoking its family, the session's absolute lifetime,
//   token answers never cached;
// - security-logins.test.ts: failed-login caps per username and per client, bounded password
//   hashing that leaves the metrics served during a login flood;
// - security-exposure.test.ts: files readable by their owner only, a guessable JWT secret refused,
//   readiness telling anonymous callers nothing internal.
// An open event stream outliving its token or its user's revocation is in events.test.ts.
import { generateKeyPairSync } from 'node:crypto';
import * as crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { decoyHash } from './passwords.js';
import { SECRET, forge, login, testApp, tokenPair } from './test-support.js';

// Every scrypt computation is recorded (and still done), so that a test can tell which work a
// login did: the same for an unknown user as for a wrong password, or a timing difference tells
// which usernames exist.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, scrypt: vi.fn(actual.scrypt) };
});

const metrics = '/api/total-sales-per-product/';

const part = (token: string, index: number) => JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const detail = (res: { body: unknown }) => (res.body as { detail: string }).detail;

describe('a metrics request with a bad token', () => {
  /** The 401's detail for a request to the metrics with this Authorization header (made for the app's user). */
  const detailOf = async (authorization: ((subject: string) => string) | undefined) => {
    const { app, alice } = await testApp();
    const req = request(app).get(metrics);
    if (authorization !== undefined) req.set('Authorization', authorization(alice.subject));
    const res = await req.expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    return detail(res);
  };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it.each([
    ['no header', undefined, /not provided/],
    ['another scheme', () => 'Basic YWxpY2U6cGFzcw==', /Bearer/],
    ['garbage', () => 'Bearer not.a.jwt', /invalid/],
    ['another key', (sub: string) => `Bearer ${forge(sub, {}, 'another-secret-of-enough-length-0123456789')}`, /signature/],
    ['an expired token', (sub: string) => `Bearer ${forge(sub, { exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, { expiresIn: undefined })}`, /expired/],
    ['nbf in the future', (sub: string) => `Bearer ${forge(sub, {}, SECRET, { notBefore: 3600 })}`, /not valid yet/],
    ['another issuer', (sub: string) => `Bearer ${forge(sub, {}, SECRET, { issuer: 'evil' })}`, /not issued for this API/],
    ['another audience', (sub: string) => `Bearer ${forge(sub, {}, SECRET, { audience: 'other-api' })}`, /not issued for this API/],
    ['a refresh token', (sub: string) => `Bearer ${forge(sub, { token_type: 'refresh', fam: 'f', sess: 9e9 })}`, /wrong type/],
    ['a token without token_type', (sub: string) => `Bearer ${forge(sub, { token_type: undefined })}`, /invalid/],
    ['an oversized token', () => `Bearer ${'a'.repeat(5000)}`, /too large/],
    ['alg none', (sub: string) => `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub, token_type: 'access', ver: 0, jti: 'x', iss: 'lake', aud: 'lake-api', exp: 9e9 })}.`, /invalid|algorithm|signature/],
    ['RS256 with a key of its own', (sub: string) => `Bearer ${forge(sub, {}, privateKey.export({ type: 'pkcs8', format: 'pem' }), { algorithm: 'RS256' })}`, /algorithm/],
    ['HS256 keyed with an RSA public key (algorithm confusion)', (sub: string) => `Bearer ${forge(sub, {}, Buffer.from(publicKey.export({ type: 'spki', format: 'pem' })))}`, /signature/],
    ['a kid and jku pointing elsewhere, signed with their key', (sub: string) => `Bearer ${forge(sub, {}, 'attacker-key-of-enough-length-0123456789', { keyid: '../../../dev/null', header: { alg: 'HS256', jku: 'https://evil.example/jwks.json' } })}`, /signature/],
  ])('refuses %s with 401', async (_name, authorization, expected) => {
    expect(await detailOf(authorization)).toMatch(expected);
  });

  it('accepts a token with the same claims signed with the API key (the cases above fail for their flaw alone)', async () => {
    const { app, alice } = await testApp();
    await request(app).get(metrics).set('Authorization', `Bearer ${forge(alice.subject)}`).expect(200);
  });
});

describe('an altered token', () => {
  it.each([
    ['another user', (other: string) => ({ sub: other })],
    ['a later expiry', () => ({ exp: 9_999_999_999 })],
    ['a refresh type', () => ({ token_type: 'refresh' })],
    ['another token version', () => ({ ver: 7 })],
  ])('is refused when its payload names %s under the original signature', async (_name, change) => {
    const { app, users } = await testApp();
    const bob = await users.create('bob', 'another good password');
    const { access } = await tokenPair(app);
    const [header, , signature] = access.split('.');
    const payload = { ...part(access, 1), ...change(bob.subject) };
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${header}.${encode(payload)}.${signature}`).expect(401);
    expect(detail(res)).toMatch(/signature/);
  });

  it('is refused when its header is swapped for another algorithm under the original signature', async () => {
    const { app } = await testApp();
    const [, payload, signature] = (await tokenPair(app)).access.split('.');
    for (const alg of ['HS512', 'none', 'RS256']) {
      await request(app).get(metrics).set('Authorization', `Bearer ${encode({ alg, typ: 'JWT' })}.${payload}.${signature}`).expect(401);
    }
  });
});

describe('claims of the wrong type, even when signed with the API key', () => {
  it.each([
    ['sub as a number', { sub: 1 }],
    ['sub as an object', { sub: { $gt: 0 } }],
    ['sub with SQL', { sub: "' OR '1'='1" }],
    ['sub as a row id, as tokens named users before', { sub: '1' }],
    ['ver as a string', { ver: '0' }],
    ['ver as null', { ver: null }],
    ['token_type as an array', { token_type: ['access'] }],
    ['jti empty', { jti: '' }],
  ])('refuses %s', async (_name, claims) => {
    const { app, alice } = await testApp();
    const token = jwt.sign({ token_type: 'access', ver: 0, sub: alice.subject, jti: 'j1', iss: 'lake', aud: 'lake-api', ...claims }, SECRET, { algorithm: 'HS256', expiresIn: 60 });
    const res = await request(app).get(metrics).set('Authorization', `Bearer ${token}`).expect(401);
    expect(detail(res)).toMatch(/invalid|not found/i);
  });

  it.each([
    ['no family', { fam: undefined }],
    ['a family as an object', { fam: { $ne: '' } }],
    ['a session end as a string', { sess: '9999999999' }],
    ['no session end', { sess: undefined }],
  ])('refuses a refresh token with %s', async (_name, claims) => {
    const { app, alice } = await testApp();
    const refresh = forge(alice.subject, { token_type: 'refresh', fam: 'family-1', sess: Math.floor(Date.now() / 1000) + 600, ...claims });
    const res = await request(app).post('/api/token/refresh/').send({ refresh }).expect(401);
    expect(detail(res)).toBe('Token is invalid');
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
    const res = await request(app).get(metrics).set('Authorization', header((await tokenPair(app)).access));
    expect(res.status).toBe(401);
  });

  it('takes the token from the Authorization header only, never from the query string or a cookie', async () => {
    const { app } = await testApp();
    const { access } = await tokenPair(app);
    await request(app).get(`${metrics}?access_token=${access}&token=${access}`).expect(401);
    await request(app).get(metrics).set('Cookie', `access=${access}; token=${access}`).expect(401);
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

  it('refuses a body over the limit with 413 and no stack trace', async () => {
    const { app } = await testApp();
    const res = await request(app).post('/api/token/').send({ username: 'alice', password: 'x'.repeat(20_000) }).expect(413);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules/);
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

  it('does the same password work for an unknown user as for a wrong password: one scrypt of the same cost', async () => {
    const { app } = await testApp();
    await decoyHash; // made once, when the module loads
    const scrypt = vi.mocked(crypto.scrypt);
    /** The scrypt computations a failed login did: salt length, key length and cost of each. */
    const workOf = async (username: string) => {
      scrypt.mockClear();
      await login(app, username, 'whatever it is').expect(401);
      return scrypt.mock.calls.map(([, salt, keyLength, options]) => {
        const { N, r, p } = options as crypto.ScryptOptions;
        return { salt: (salt as Buffer).length, keyLength, N, r, p };
      });
    };
    const unknown = await workOf('nobody-here');
    expect(unknown).toEqual([{ salt: 16, keyLength: 32, N: 16_384, r: 8, p: 1 }]);
    expect(unknown).toEqual(await workOf('alice'));
  });
});
