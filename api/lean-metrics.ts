// The four metrics endpoints' lean path: a node:http request listener that runs before Express
// and answers `GET` and `HEAD` of exactly the four metrics paths (with or without the trailing
// slash, any query string), the way the Express routes do, for a fraction of the work. The
// answers are those of the Express path, byte for byte apart from the Date header
// (lean-metrics.test.ts compares them): the same token checks (the same passport-jwt strategy,
// through `verifyAccessToken`, with the user's current state), helmet's headers (taken once from
// helmet itself), `X-Gold-Version`, the ETag and `If-None-Match` (decided by `fresh`, as Express
// decides `req.fresh`), and the same 401s. What it does not answer it hands to the Express app
// untouched: other paths and methods (405 with Allow), requests with a body, before gold is
// loaded (503), and a token check that failed unexpectedly (500, logged). No rate limit applies
// to the metrics on either path (the login caps are on the token endpoints).
import type { IncomingMessage, ServerResponse } from 'node:http';
import fresh from 'fresh';
import type { Strategy as JwtStrategy } from 'passport-jwt';
import { verifyAccessToken } from './auth.js';
import type { GoldSnapshot, GoldSource } from './gold-source.js';
import { goldEndpoints, type GoldEndpoint } from './gold-tables.js';

/** A flat header list, as `res.writeHead` takes it: name, value, name, value… */
type HeaderList = string[];

/** A middleware that only sets headers (helmet's): called once on a stand-in response, its headers are kept. */
type HeaderMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The headers a header-setting middleware sets, in its order, got by running it once on a
 * stand-in response. It must set them at once and the same for every request (helmet's defaults do).
 */
export function headersOf(middleware: HeaderMiddleware): HeaderList {
  const headers: HeaderList = [];
  let done = false;
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      if (typeof value !== 'string') throw new Error(`header ${name} is not a single string`);
      headers.push(name, value);
      return res;
    },
    removeHeader() {},
  };
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, (error) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    done = true;
  });
  if (!done) throw new Error('the header middleware did not finish at once');
  return headers;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** One gold version's answers, headers made once. */
interface Prepared {
  snapshot: GoldSnapshot;
  etag: string;
  /** The 200's headers and body, by endpoint path. */
  ok: Map<GoldEndpoint, { headers: HeaderList; body: Buffer }>;
  notModified: HeaderList;
}

function prepare(snapshot: GoldSnapshot, security: HeaderList): Prepared {
  // The headers of `servedGold` (routes/metrics.ts), in its order.
  const etag = `"gold-${snapshot.version}"`;
  const gold = [...security, 'X-Gold-Version', snapshot.version, 'ETag', etag, 'Cache-Control', 'private, no-cache'];
  const ok = new Map<GoldEndpoint, { headers: HeaderList; body: Buffer }>(
    goldEndpoints.map((endpoint) => {
      const body = snapshot.bodies[endpoint.table];
      const headers: HeaderList = [...gold, 'Content-Type', JSON_TYPE, 'Content-Length', String(body.length)];
      return [endpoint, { headers, body }];
    }),
  );
  return { snapshot, etag, ok, notModified: gold };
}

export interface LeanMetricsOptions {
  gold: GoldSource;
  /** The access-token strategy the Express routes authenticate with. */
  strategy: JwtStrategy;
  /** The security headers every answer carries (the app's helmet middleware). */
  securityHeaders: HeaderMiddleware;
}

/**
 * The lean path: answers a request and returns true, or returns false having done nothing to the
 * response, for the Express app to answer.
 */
export function leanMetrics({ gold, strategy, securityHeaders }: LeanMetricsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const security = headersOf(securityHeaders);
  const paths = new Map<string, GoldEndpoint>();
  for (const endpoint of goldEndpoints) paths.set(endpoint.path, endpoint).set(`${endpoint.path}/`, endpoint);
  let prepared: Prepared | undefined;

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, detail: string) => {
    // As the error handler answers (http-errors.ts): status, the error's headers, JSON `{"detail"}`.
    const body = Buffer.from(JSON.stringify({ detail }));
    const list = [...security];
    for (const [name, value] of Object.entries(headers)) list.push(name, value);
    list.push('Content-Type', JSON_TYPE, 'Content-Length', String(body.length));
    res.writeHead(status, list);
    if (req.method === 'HEAD') res.end();
    else res.end(body);
  };

  return (req, res) => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const endpoint = paths.get(query === -1 ? url : url.slice(0, query));
    if (!endpoint) return false;
    // A body is Express's to read (express.json would parse a JSON one, and refuse a bad one).
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;

    const check = verifyAccessToken(strategy, req);
    if (!check || 'failed' in check) return false;
    if ('refused' in check) {
      refuse(req, res, check.refused.status, check.refused.headers, check.refused.detail);
      return true;
    }
    const snapshot = gold.snapshot();
    if (!snapshot) return false;
    if (prepared?.snapshot !== snapshot) prepared = prepare(snapshot, security);
    // Express's own freshness rules (its `req.fresh`): If-None-Match against the ETag, weakly compared.
    if (fresh(req.headers, { etag: prepared.etag })) {
      res.writeHead(304, prepared.notModified);
      res.end();
      return true;
    }
    const answer = prepared.ok.get(endpoint)!;
    res.writeHead(200, answer.headers);
    if (method === 'HEAD') res.end();
    else res.end(answer.body);
    return true;
  };
}
