// POST /api/token/ and /api/token/refresh/. Failed logins are rate-limited per client address and
// username, and per client address across usernames (password spraying); an unknown user and a
// wrong password get the same answer after the same work.
import { Router, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { ApiConfig } from '../config.js';
import { HttpError, methodNotAllowed } from '../http-errors.js';
import { HashQueueFull } from '../passwords.js';
import { TokenRejected, type TokenService } from '../tokens.js';
import type { UserStore } from '../users.js';

/** A required string field of a JSON body, or a 400 naming it. */
function field(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'Request body must be a JSON object');
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined || value === null || value === '') throw new HttpError(400, `"${name}" is required`);
  if (typeof value !== 'string') throw new HttpError(400, `"${name}" must be a string`);
  if (value.length > 4096) throw new HttpError(400, `"${name}" is too long`);
  return value;
}

/** Token answers are never stored by a cache on the way (RFC 6749 §5.1). */
function noStore(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/**
 * Where a rate limit keeps its counts, by the limit's name. By default each limit counts in the
 * process's memory; the workers of a cluster share their primary's counts (api/cluster.ts), or
 * each worker would grant its own allowance.
 */
export type RateLimitStores = (name: string) => Store | undefined;

export function tokenRoutes(config: ApiConfig, users: UserStore, tokens: TokenService, stores: RateLimitStores = () => undefined): Router {
  const router = Router();

  const failedLogins = (name: string, limit: number, key: (req: Request) => string) =>
    rateLimit({
      store: stores(name),
      windowMs: config.loginWindowMs,
      limit,
      skipSuccessfulRequests: true,
      // A login refused before its password was checked (503: too many waiting) is no failed attempt.
      requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode === 503,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: key,
      handler: (_req, _res, next, options) => {
        next(new HttpError(429, `Too many failed login attempts: try again in ${Math.ceil(options.windowMs / 60_000)} minutes`));
      },
    });
  const client = (req: Request) => ipKeyGenerator(req.ip ?? '');
  const perUsername = failedLogins('failed-logins-per-username', config.loginAttempts, (req) => {
    const body = req.body as { username?: unknown } | undefined;
    const username = typeof body?.username === 'string' ? body.username.normalize('NFC').slice(0, 200) : '';
    return `${client(req)}\u0000${username}`;
  });
  const perClient = failedLogins('failed-logins-per-client', config.loginAttemptsPerClient, client);

  router
    .route('/api/token')
    .post(perClient, perUsername, async (req, res) => {
      const username = field(req, 'username');
      const password = field(req, 'password');
      const user = await users.authenticate(username, password).catch((error: unknown) => {
        if (error instanceof HashQueueFull) {
          throw new HttpError(503, 'Too many logins are being checked at the moment: try again in a second', { 'Retry-After': '1' });
        }
        throw error;
      });
      if (!user) throw new HttpError(401, 'No active account found with the given credentials');
      noStore(res);
      res.json(tokens.issuePair(user));
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/api/token/refresh')
    .post((req, res) => {
      const refresh = field(req, 'refresh');
      try {
        const answer = tokens.refresh(refresh);
        noStore(res);
        res.json(answer);
      } catch (error) {
        if (error instanceof TokenRejected) throw new HttpError(401, error.message, { 'WWW-Authenticate': 'Bearer realm="lake"' });
        throw error;
      }
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
