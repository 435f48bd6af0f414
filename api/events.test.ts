// GET /api/events/ over a real socket: the app listens on a random port, a client reads the
// Server-Sent Events as they come, and the gold is a GoldMirror the test updates as the API's
// primary would. Authentication, tokens and the users database are the real ones.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GoldMirror, type LoadedGold, type VersionListener } from './gold-source.js';
import { HEARTBEAT_MS, RETRY_MS } from './routes/events.js';
import { expectDocumented, sampleGold, testApp } from './test-support.js';

const { bodies: _bodies, ...loaded } = sampleGold;
const version = (id: string): LoadedGold => ({ ...loaded, version: id, publishedAt: '2026-12-01T00:00:00.000Z' });

/** A mirror that counts its subscribers, to see that a closed stream unsubscribes. */
class CountingGold extends GoldMirror {
  subscribers = 0;
  override onVersion(listener: VersionListener): () => void {
    this.subscribers += 1;
    const unsubscribe = super.onVersion(listener);
    return () => {
      this.subscribers -= 1;
      unsubscribe();
    };
  }
}

interface Message {
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** One Server-Sent Events block as the fields it holds. */
function parseBlock(block: string): Message {
  const message: Message = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    const [, field, value] = /^(event|data|retry): ?(.*)$/.exec(line) ?? [];
    if (field) message[field as 'event' | 'data' | 'retry'] = value;
  }
  return message;
}

interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body of an answer that is not a stream (an error). */
  json?: unknown;
  /** The next message matching `which`, from those not taken yet. */
  next(which?: (message: Message) => boolean): Promise<Message>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

const servers: http.Server[] = [];
const streams: Stream[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const stream of streams.splice(0)) stream.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(env: Record<string, string> = {}, gold = new CountingGold()) {
  const { app, users } = await testApp(env, gold);
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await request(url).post('/api/token/').send({ username: 'alice', password: 'correct horse battery' }).expect(200);
  return { url, gold, users, access: (login.body as { access: string }).access };
}

function openStream(url: string, authorization?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/events/`, { agent: false, headers: authorization ? { authorization } : {} });
    req.on('error', reject);
    req.on('response', (res) => {
      const messages: Message[] = [];
      const waiting: { which: (message: Message) => boolean; resolve: (message: Message) => void }[] = [];
      const deliver = () => {
        for (const waiter of [...waiting]) {
          const index = messages.findIndex(waiter.which);
          if (index < 0) continue;
          waiter.resolve(messages.splice(index, 1)[0]!);
          waiting.splice(waiting.indexOf(waiter), 1);
        }
      };
      let buffer = '';
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          messages.push(parseBlock(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
        deliver();
      });
      const ended = new Promise<void>((done) => res.once('end', done));
      const stream: Stream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        next: (which = () => true) => new Promise((found) => (waiting.push({ which, resolve: found }), deliver())),
        ended,
        close: () => req.destroy(),
      };
      streams.push(stream);
      if (res.statusCode === 200) return resolve(stream);
      void ended.then(() => resolve({ ...stream, json: JSON.parse(text) }));
    });
  });
}

const goldEvent = (message: Message) => message.event === 'gold';
const dataOf = (message: Message) => JSON.parse(message.data ?? 'null') as unknown;

describe('GET /api/events/', () => {
  it('refuses a missing or bad token with the 401 of the metrics', async () => {
    const { url } = await serve();
    for (const [authorization, detail] of [
      [undefined, 'Authentication credentials were not provided'],
      ['Bearer not.a.jwt', 'Token is invalid'],
    ] as const) {
      const stream = await openStream(url, authorization);
      expect(stream.status).toBe(401);
      expect(stream.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(stream.json).toEqual({ detail });
      expectDocumented('/api/events/', 'get', 401, stream.json);
    }
  });

  it('opens a stream that is not buffered, with the retry hint and the current version at once', async () => {
    const { url, gold, access } = await serve();
    gold.update(loaded, { state: 'ready', version: loaded.version });
    const stream = await openStream(url, `Bearer ${access}`);
    expect(stream.status).toBe(200);
    expectDocumented('/api/events/', 'get', 200, undefined);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-store, no-transform');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(stream.headers['content-encoding']).toBeUndefined();
    expect(stream.headers['x-content-type-options']).toBe('nosniff'); // helmet's headers, still
    expect(await stream.next()).toEqual({ retry: String(RETRY_MS) });
    const first = await stream.next();
    expect(first.event).toBe('gold');
    expect(dataOf(first)).toEqual({ version: loaded.version, publishedAt: loaded.publishedAt });
  });

  it('sends one gold event per new version, and none when only the state changes', async () => {
    const { url, gold, access } = await serve();
    gold.update(loaded, { state: 'ready', version: loaded.version });
    const stream = await openStream(url, `Bearer ${access}`);
    expect(dataOf(await stream.next(goldEvent))).toMatchObject({ version: loaded.version });

    gold.update(version('run-2'), { state: 'ready', version: 'run-2' });
    expect(dataOf(await stream.next(goldEvent))).toEqual({ version: 'run-2', publishedAt: version('run-2').publishedAt });
    // The same version again (the primary passes gold on after every check), now stale: no event.
    gold.update(version('run-2'), { state: 'stale', version: 'run-2', error: 'HDFS down' });
    gold.update(version('run-three'), { state: 'ready', version: 'run-three' });
    expect(dataOf(await stream.next(goldEvent))).toMatchObject({ version: 'run-three' });
  });

  it('before any gold, sends no version, then the first one loaded', async () => {
    const { url, gold, access } = await serve();
    const stream = await openStream(url, `Bearer ${access}`);
    expect(stream.status).toBe(200);
    expect(await stream.next()).toEqual({ retry: String(RETRY_MS) });
    gold.update(version('first'), { state: 'ready', version: 'first' });
    // Nothing was queued between the retry hint and this version.
    expect(dataOf(await stream.next())).toMatchObject({ version: 'first' });
  });

  it('unsubscribes when the client goes away', async () => {
    const { url, gold, access } = await serve();
    const stream = await openStream(url, `Bearer ${access}`);
    expect(gold.subscribers).toBe(1);
    stream.close();
    await expect.poll(() => gold.subscribers).toBe(0);
  });

  it('ends the stream when the access token expires', async () => {
    const { url, gold, access } = await serve({ JWT_ACCESS_TTL: '2s' });
    gold.update(loaded, { state: 'ready', version: loaded.version });
    const { exp } = jwt.decode(access) as { exp: number };
    const stream = await openStream(url, `Bearer ${access}`);
    expect(stream.status).toBe(200);
    await stream.next(goldEvent);
    await stream.ended;
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(gold.subscribers).toBe(0);
  });

  it('sends a keep-alive comment at each heartbeat, and ends the stream once the user is revoked', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { url, gold, users, access } = await serve();
    gold.update(loaded, { state: 'ready', version: loaded.version });
    const stream = await openStream(url, `Bearer ${access}`);
    await stream.next(goldEvent);
    expect(await stream.next()).toEqual({ retry: String(RETRY_MS) });
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(await stream.next()).toEqual({ comment: 'keep-alive' });
    users.revokeSessions('alice');
    vi.advanceTimersByTime(HEARTBEAT_MS);
    await stream.ended;
    expect(gold.subscribers).toBe(0);
  });

  it('refuses a stream over API_EVENT_STREAMS with a 503, and takes one again once another closed', async () => {
    const { url, gold, access } = await serve({ API_EVENT_STREAMS: '2' });
    // HEAD answers the headers only, and holds no stream.
    await request(url).head('/api/events/').set('Authorization', `Bearer ${access}`).expect(200).expect('Content-Type', /text\/event-stream/);
    const first = await openStream(url, `Bearer ${access}`);
    const second = await openStream(url, `Bearer ${access}`);
    expect([first.status, second.status]).toEqual([200, 200]);

    const refused = await openStream(url, `Bearer ${access}`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe(String(RETRY_MS / 1000));
    expect(refused.json).toEqual({ detail: 'Too many open event streams: try again later' });
    expectDocumented('/api/events/', 'get', 503, refused.json);

    first.close();
    await expect.poll(() => gold.subscribers).toBe(1);
    expect((await openStream(url, `Bearer ${access}`)).status).toBe(200);
  });

  it('answers other methods with 405', async () => {
    const { url } = await serve();
    const res = await request(url).post('/api/events/').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
