// The four gold metrics, from memory. Each answer names its gold version (`X-Gold-Version`) and
// carries an ETag, so a client polling with If-None-Match gets 304 until gold changes. The body
// is the one serialized when the version was loaded: a request verifies its token and writes bytes.
import { Router, type RequestHandler, type Response } from 'express';
import type { GoldSnapshot, GoldSource } from '../gold-source.js';
import { goldEndpoints } from '../gold-tables.js';
import { HttpError, methodNotAllowed } from '../http-errors.js';

/**
 * The gold snapshot an answer is made from, with its version and ETag set on the response (so
 * `If-None-Match` gives 304); a 503 with the reason before any gold was loaded.
 */
export function servedGold(gold: GoldSource, res: Response): GoldSnapshot {
  const snapshot = gold.snapshot();
  if (!snapshot) {
    const { error } = gold.status();
    throw new HttpError(503, `Gold is not loaded yet${error ? `: ${error}` : ''}`, { 'Retry-After': '5' });
  }
  res.set({ 'X-Gold-Version': snapshot.version, ETag: `"gold-${snapshot.version}"`, 'Cache-Control': 'private, no-cache' });
  return snapshot;
}

export function metricsRoutes(gold: GoldSource, authenticate: RequestHandler): Router {
  const router = Router();
  for (const endpoint of goldEndpoints) {
    router
      .route(endpoint.path)
      .get(authenticate, (_req, res) => {
        const body = servedGold(gold, res).bodies[endpoint.table];
        res.set('Content-Type', 'application/json; charset=utf-8').send(body);
      })
      .all(methodNotAllowed(['GET']));
  }
  return router;
}
