// The security suite (api/security.test.ts lists it): logins. Failed logins capped per client and
// username and per client across usernames (password spraying); password hashes computed a few at
// a time across the whole API, so that a flood of logins leaves the metrics served.
import { EventEmitter } from 'node:events';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { giveHashTurns, type FromWorker, type ToWorker } from './cluster.js';
import { HashTurns, decoyHash, useHashTurns } from './passwords.js';
import { expectDocumented, login, testApp, testConfig, tokenPair } from './test-support.js';

const detail = (res: { body: unknown }) => (res.body as { detail: string }).detail;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  useHashTurns(new HashTurns(1));
});

describe('failed logins', () => {
  it('are capped per client and username, and let in again after the window', async () => {
    const { app } = await testApp({ API_LOGIN_ATTEMPTS: '3', API_LOGIN_WINDOW: '1s' });
    for (let i = 0; i < 3; i++) await login(app, 'alice', 'wrong password').expect(401);
    expect(detail(await login(app).expect(429))).toMatch(/Too many failed login attempts/);
    await login(app, 'bob', 'wrong password').expect(401); // another username is not blocked by this cap
    await pause(1100);
    await login(app).expect(200);
  });

  it('are capped per client across usernames: password spraying', async () => {
    const { app } = await testApp({ API_LOGIN_ATTEMPTS: '10', API_LOGIN_CLIENT_ATTEMPTS: '5', API_LOGIN_WINDOW: '1s' });
    for (let i = 0; i < 5; i++) await login(app, `user-${i}`, 'Summer2026!').expect(401);
    // A sixth username from the same client, even with the right password, waits for the window.
    expect(detail(await login(app).expect(429))).toMatch(/Too many failed login attempts/);
    await pause(1100);
    await login(app).expect(200);
  });

  it('count against the client address Express is told to believe: X-Forwarded-For is ignored unless API_TRUST_PROXY says so', async () => {
    const { app } = await testApp({ API_LOGIN_CLIENT_ATTEMPTS: '2' });
    for (let i = 0; i < 2; i++) await login(app, `user-${i}`, 'wrong password').set('X-Forwarded-For', `203.0.113.${i}`).expect(401);
    // A client choosing another address in the header is still the same client.
    await login(app, 'user-9', 'wrong password').set('X-Forwarded-For', '198.51.100.7').expect(429);
  });
});

describe('a login flood', () => {
  it('waits for its turns to hash while the metrics and the dashboard are served', async () => {
    const { app } = await testApp({ API_LOGIN_ATTEMPTS: '1000', API_LOGIN_CLIENT_ATTEMPTS: '1000' });
    const { access } = await tokenPair(app);
    await decoyHash;
    const turns = new HashTurns(1);
    useHashTurns(turns);
    const flood = Array.from({ length: 12 }, (_, i) => login(app, i % 2 ? 'alice' : `user-${i}`, 'wrong password').then((res) => res.status));
    await expect.poll(() => turns.load.waiting).toBeGreaterThan(4);
    await request(app).get('/api/campaign-metrics/').set('Authorization', `Bearer ${access}`).expect(200);
    await request(app).get('/dashboard/').expect(200);
    // Both answered while logins still waited for a turn: they do not queue behind the hashes.
    expect(turns.load.waiting).toBeGreaterThan(0);
    expect(turns.load.running).toBe(1);
    expect(new Set(await Promise.all(flood))).toEqual(new Set([401]));
    expect(turns.load).toEqual({ running: 0, waiting: 0 });
  }, 30_000);

  it('gets turns to hash from the primary of an API cluster, shared by every worker', async () => {
    /** A worker as the primary sees it: the messages it sends, and those it was sent. */
    class FakeWorker extends EventEmitter {
      readonly received: ToWorker[] = [];
      connected = true;
      ask = (message: FromWorker) => this.emit('message', message);
      send = (message: ToWorker) => (this.received.push(message), true);
      isConnected = () => this.connected;
      turns = () => this.received.filter((message) => message.lake === 'hash-turn').length;
    }
    const turns = new HashTurns(1);
    const [first, second] = [new FakeWorker(), new FakeWorker()];
    for (const worker of [first, second]) giveHashTurns(worker as unknown as Parameters<typeof giveHashTurns>[0], turns);
    const settle = () => pause(0);

    first.ask({ lake: 'hash-turn', id: 1 });
    second.ask({ lake: 'hash-turn', id: 1 });
    second.ask({ lake: 'hash-turn', id: 2 });
    await settle();
    expect([first.turns(), second.turns()]).toEqual([1, 0]); // one hash at a time across both
    first.ask({ lake: 'hash-done' });
    await settle();
    expect([first.turns(), second.turns()]).toEqual([1, 1]);
    // A worker that dies holding a turn gives it back; one dead before its turn came passes it on.
    second.connected = false;
    second.emit('exit');
    first.ask({ lake: 'hash-turn', id: 2 });
    await settle();
    expect(first.turns()).toBe(2);
    first.ask({ lake: 'hash-done' });
    await settle();
    expect(turns.load).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses a worker's turn request at once when the primary's line is full, naming the request", async () => {
    const received: ToWorker[] = [];
    const worker = Object.assign(new EventEmitter(), { send: (message: ToWorker) => (received.push(message), true), isConnected: () => true });
    const turns = new HashTurns(1, 1);
    giveHashTurns(worker as unknown as Parameters<typeof giveHashTurns>[0], turns);
    for (const id of [1, 2, 3]) worker.emit('message', { lake: 'hash-turn', id } satisfies FromWorker);
    await pause(0);
    // 1 hashes, 2 waits, 3 is refused before 2 is answered.
    expect(received).toEqual([
      { lake: 'hash-turn', id: 1 },
      { lake: 'hash-busy', id: 3 },
    ]);
    worker.emit('message', { lake: 'hash-done' } satisfies FromWorker);
    await pause(0);
    expect(received.at(-1)).toEqual({ lake: 'hash-turn', id: 2 });
  });

  it('refuses a login with 503 and Retry-After when the line is full, and does not count it as a failed attempt', async () => {
    const { app } = await testApp({ API_LOGIN_ATTEMPTS: '2', API_LOGIN_CLIENT_ATTEMPTS: '1000' });
    await decoyHash;
    const turns = new HashTurns(1, 1);
    useHashTurns(turns);
    await turns.take(); // the one turn is busy: one login may wait, the next is refused
    const waiting = login(app, 'alice', 'wrong password').then((res) => res.status);
    await expect.poll(() => turns.load.waiting).toBe(1);
    const refused = await login(app, 'alice', 'wrong password').expect(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(detail(refused)).toMatch(/Too many logins are being checked/);
    expectDocumented('/api/token/', 'post', 503, refused.body);
    turns.give();
    expect(await waiting).toBe(401);
    // Two failed attempts are allowed: the waiting one counted, the refused one did not.
    await login(app, 'alice', 'wrong password').expect(401);
    await login(app, 'alice', 'wrong password').expect(429);
  });

  it('is bounded by API_LOGIN_HASHES, at least one', () => {
    expect(testConfig({ API_LOGIN_HASHES: '3' }).loginHashes).toBe(3);
    expect(testConfig().loginHashes).toBeGreaterThanOrEqual(1);
    expect(() => testConfig({ API_LOGIN_HASHES: '0' })).toThrow(/API_LOGIN_HASHES=0 is not a positive integer/);
  });

  it('lets API_LOGIN_QUEUE logins wait for a turn, 32 by default', () => {
    expect(testConfig().loginQueue).toBe(32);
    expect(testConfig({ API_LOGIN_QUEUE: '5' }).loginQueue).toBe(5);
  });
});
