// The metrics' lean path (lean-metrics.ts) answers exactly as the Express routes do. Three servers
// over the same users database and gold: the app with its lean path off (API_LEAN_METRICS=false,
// the Express routes alone), the app as it runs (lean path, then Express), and the lean path alone
// with a stand-in for Express behind it, so a test knows which requests the lean path answered
// itself. Every answer is compared on the wire: status, every header but Date, in order, and body.
import http, { type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { accessTokenStrategy } from './auth.js';
import { headersOf, leanMetrics } from './lean-metrics.js';
import { FixedGold, SECRET, forge, sampleGold, testConfig } from './test-support.js';
import { TokenService } from './tokens.js';
import { UserStore, type User } from './users.js';

/** What the stand-in for Express answers: the lean path did not answer this request. */
const HANDED_OVER = 599;

interface Answer {
  status: number;
  /** Every header but Date, as sent: name, value, name, value… */
  headers: string[];
  body: string;
}

function send(server: Server, method: string, path: string, headers: OutgoingHttpHeaders = {}, body?: string): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    // Node sends a GET's body without a length unless told it.
    const sent = body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: sent, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = res.rawHeaders;
        const kept: string[] = [];
        for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== 'date') kept.push(raw[i]!, raw[i + 1]!);
        resolve({ status: res.statusCode!, headers: kept, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const gold = new FixedGold();
let users: UserStore;
let alice: User;
let express: Server;
let full: Server;
let lean: Server;

async function listening(handler: http.RequestListener): Promise<Server> {
  const server = http.createServer(handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

beforeAll(async () => {
  users = new UserStore(':memory:');
  alice = await users.create('alice', 'correct horse battery');
  const dependencies = { users, gold, version: 'test' };
  express = await listening(createApp({ ...dependencies, config: testConfig({ API_LEAN_METRICS: 'false' }) }));
  full = await listening(createApp({ ...dependencies, config: testConfig() }));
  const strategy = accessTokenStrategy(new TokenService(testConfig(), users));
  const alone = leanMetrics({ gold, strategy, securityHeaders: helmet() });
  lean = await listening((req, res) => {
    if (!alone(req, res)) res.writeHead(HANDED_OVER).end();
  });
});

afterAll(async () => {
  for (const server of [express, full, lean]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  users.close();
});

/** The answer of the Express routes, checked equal to the app's as it runs, and to the lean path's own or handed over. */
async function expectSame(method: string, path: string, headers: OutgoingHttpHeaders, { lean: answersItself }: { lean: boolean }, body?: string): Promise<Answer> {
  const expected = await send(express, method, path, headers, body);
  expect(await send(full, method, path, headers, body)).toEqual(expected);
  const own = await send(lean, method, path, headers, body);
  if (answersItself) expect(own).toEqual(expected);
  else expect(own.status).toBe(HANDED_OVER);
  return expected;
}

const access = () => forge(alice.subject);
const bearer = (token = access()) => ({ authorization: `Bearer ${token}` });
const etag = `"gold-${sampleGold.version}"`;
const now = () => Math.floor(Date.now() / 1000);

describe('the lean path answers as the Express routes', () => {
  it.each(['/api/campaign-metrics/', '/api/campaign-metrics', '/api/total-sales-per-product/', '/api/status-code-counts', '/api/avg-likes-per-product/', '/api/campaign-metrics/?format=json&x=1'])(
    'GET %s with a valid token: 200, the body, the version, the ETag and helmet headers',
    async (path) => {
      const answer = await expectSame('GET', path, bearer(), { lean: true });
      expect(answer.status).toBe(200);
      const names = answer.headers.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
      expect(names).toEqual(expect.arrayContaining(['x-gold-version', 'etag', 'content-security-policy', 'strict-transport-security', 'x-content-type-options', 'content-length']));
      expect(names).not.toContain('x-powered-by');
    },
  );

  it('HEAD with a valid token: the headers of the GET, Content-Length included, and no body', async () => {
    const answer = await expectSame('HEAD', '/api/campaign-metrics/', bearer(), { lean: true });
    expect([answer.status, answer.body]).toEqual([200, '']);
    expect(answer.headers).toContain(String(sampleGold.bodies.campaign_metrics.length));
  });

  it.each([
    ['no Authorization header', {}, 'Authentication credentials were not provided'],
    ['another scheme', { authorization: 'Basic YWxpY2U6cGFzcw==' }, 'Authorization header must be "Bearer <access token>"'],
    ['two tokens', { authorization: 'Bearer a.b.c d.e.f' }, 'Authorization header must be "Bearer <access token>"'],
    ['a malformed token', { authorization: 'Bearer not.a.jwt' }, 'Token is invalid'],
    ['garbage', { authorization: 'Bearer %%%' }, 'Token is invalid'],
    ['an oversized token', { authorization: `Bearer ${'a'.repeat(5000)}` }, 'Token is too large'],
  ])('%s: the same 401', async (_name, headers, detail) => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await expectSame(method, '/api/campaign-metrics/', headers, { lean: true });
      expect(answer.status).toBe(401);
      expect(answer.headers).toContain('Bearer realm="lake"');
      if (method === 'GET') expect(JSON.parse(answer.body)).toEqual({ detail });
    }
  });

  it.each([
    ['an expired token', () => forge(alice.subject, { exp: now() - 10 }, SECRET, { expiresIn: undefined }), 'Token is expired'],
    ['a token not valid yet', () => forge(alice.subject, {}, SECRET, { notBefore: 3600 }), 'Token is not valid yet'],
    ['another key', () => forge(alice.subject, {}, 'another-secret-of-enough-length-0123456789'), 'Token signature is invalid'],
    ['another audience', () => forge(alice.subject, {}, SECRET, { audience: 'other-api' }), 'Token was not issued for this API'],
    ['another algorithm', () => forge(alice.subject, {}, SECRET, { algorithm: 'HS512' }), 'Token is signed with an algorithm this API does not accept'],
    ['a refresh token', () => forge(alice.subject, { token_type: 'refresh', fam: 'f', sess: now() + 600 }), 'Token has wrong type: expected an access token'],
    ['claims of the wrong type', () => forge(alice.subject, { ver: '0' }), 'Token is invalid'],
    ['an unknown user', () => forge('AAAAAAAAAAAAAAAAAAAAAA'), 'User not found'],
  ])('%s: the same 401', async (_name, token, detail) => {
    const answer = await expectSame('GET', '/api/campaign-metrics/', bearer(token()), { lean: true });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([401, { detail }]);
  });

  it("refuses a revoked, re-passworded or deleted user's token at once, as the Express routes do", async () => {
    const bob = await users.create('bob', 'bob password 123');
    const before = forge(bob.subject);
    expect((await expectSame('GET', '/api/status-code-counts/', bearer(before), { lean: true })).status).toBe(200);
    users.revokeSessions('bob');
    const revoked = await expectSame('GET', '/api/status-code-counts/', bearer(before), { lean: true });
    expect([revoked.status, JSON.parse(revoked.body)]).toEqual([401, { detail: "Token was revoked: the password changed or the user's sessions were ended" }]);
    const current = forge(bob.subject, { ver: 1 });
    expect((await expectSame('GET', '/api/status-code-counts/', bearer(current), { lean: true })).status).toBe(200);
    await users.setPassword('bob', 'a new password 456');
    expect((await expectSame('GET', '/api/status-code-counts/', bearer(current), { lean: true })).status).toBe(401);
    const newest = forge(bob.subject, { ver: 2 });
    expect((await expectSame('GET', '/api/status-code-counts/', bearer(newest), { lean: true })).status).toBe(200);
    users.delete('bob');
    const deleted = await expectSame('GET', '/api/status-code-counts/', bearer(newest), { lean: true });
    expect([deleted.status, JSON.parse(deleted.body)]).toEqual([401, { detail: 'User not found' }]);
  });

  it.each([
    ['the ETag', etag, 304],
    ['the ETag, weak', `W/${etag}`, 304],
    ['*', '*', 304],
    ['a list holding the ETag', `"other", ${etag}`, 304],
    ['another ETag', '"gold-20200101T000000Z-0000"', 200],
    ['the ETag without its quotes', `gold-${sampleGold.version}`, 200],
  ])('If-None-Match %s: %d, on GET and HEAD', async (_name, match, status) => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await expectSame(method, '/api/campaign-metrics/', { ...bearer(), 'if-none-match': match }, { lean: true });
      expect(answer.status).toBe(status);
      if (status === 304) expect(answer.body).toBe('');
    }
  });

  it('If-None-Match with Cache-Control: no-cache, and If-Modified-Since alone: 200 (a reload; no Last-Modified to compare)', async () => {
    expect((await expectSame('GET', '/api/campaign-metrics/', { ...bearer(), 'if-none-match': etag, 'cache-control': 'no-cache' }, { lean: true })).status).toBe(200);
    expect((await expectSame('GET', '/api/campaign-metrics/', { ...bearer(), 'if-modified-since': new Date().toUTCString() }, { lean: true })).status).toBe(200);
  });

  it('If-None-Match with a bad token: the 401, not a 304', async () => {
    expect((await expectSame('GET', '/api/campaign-metrics/', { ...bearer('nope'), 'if-none-match': etag }, { lean: true })).status).toBe(401);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s: handed to Express, which answers 405 with Allow', async (method) => {
    const answer = await expectSame(method, '/api/campaign-metrics/', bearer(), { lean: false });
    expect(answer.status).toBe(405);
    expect(answer.headers).toEqual(expect.arrayContaining(['Allow', 'GET, HEAD']));
  });

  it.each(['/api/campaign-metrics//', '/API/Campaign-Metrics/', '/api/campaign-metrics/x', '/api/campaign%2Dmetrics/', '/api/campaign-metrics.json'])(
    'an other spelling of the path, %s: handed to Express, which answers as before',
    async (path) => {
      await expectSame('GET', path, bearer(), { lean: false });
    },
  );

  it('a request with a body: handed to Express (which parses a JSON one, and refuses a bad one)', async () => {
    const json = { ...bearer(), 'content-type': 'application/json' };
    expect((await expectSame('GET', '/api/campaign-metrics/', json, { lean: false }, '{"bad json')).status).toBe(400);
    expect((await expectSame('GET', '/api/campaign-metrics/', json, { lean: false }, '{}')).status).toBe(200);
  });

  it('before gold is loaded: a bad token gets its 401 on the lean path, a good one the 503 of Express', async () => {
    gold.current = undefined;
    gold.state = { state: 'empty', error: 'no gold version is published yet' };
    try {
      expect((await expectSame('GET', '/api/campaign-metrics/', bearer('nope'), { lean: true })).status).toBe(401);
      const answer = await expectSame('GET', '/api/campaign-metrics/', bearer(), { lean: false });
      expect([answer.status, JSON.parse(answer.body)]).toEqual([503, { detail: 'Gold is not loaded yet: no gold version is published yet' }]);
    } finally {
      gold.current = sampleGold;
      gold.state = { state: 'ready', version: sampleGold.version };
    }
  });

  it('serves a new gold version as soon as it is the one served, with its ETag', async () => {
    const before = await expectSame('GET', '/api/campaign-metrics/', bearer(), { lean: true });
    gold.current = { ...sampleGold, version: '20261201T000000Z-beef', bodies: { ...sampleGold.bodies, campaign_metrics: Buffer.from('[]') } };
    try {
      const after = await expectSame('GET', '/api/campaign-metrics/', { ...bearer(), 'if-none-match': etag }, { lean: true });
      expect([after.status, after.body, after.headers]).toEqual([200, '[]', expect.arrayContaining(['"gold-20261201T000000Z-beef"'])]);
      expect(after.headers).not.toEqual(before.headers);
    } finally {
      gold.current = sampleGold;
    }
  });
});

describe('the parts of the lean path', () => {
  it("sends helmet's headers as helmet sets them", () => {
    const set: string[] = [];
    const res = { setHeader: (name: string, value: string) => set.push(name, value), removeHeader: () => undefined };
    helmet()({} as never, res as never, () => undefined);
    expect(headersOf(helmet())).toEqual(set);
    expect(set).toContain('Content-Security-Policy');
  });
});
