// The four gold metrics, from memory. Each answer names its gold version (`X-Gold-Version`) and
// carries an ETag, so a client polling with If-None-Match gets 304 until gold changes.
import { Router, type RequestHandler } from 'express';
import type { GoldSource } from '../gold-cache.js';
import { goldEndpoints } from '../gold-tables.js';
import { HttpError, methodNotAllowed } from '../http-errors.js';

export function metricsRoutes(gold: GoldSource, authenticate: RequestHandler): Router {
  const router = Router();
  for (const endpoint of goldEndpoints) {
    router
      .route(endpoint.path)
      .get(authenticate, (_req, res) => {
        const snapshot = gold.snapshot();
        if (!snapshot) {
          const status = gold.status();
          throw new HttpError(503, `Gold is not loaded yet${status.error ? `: ${status.error}` : ''}`, { 'Retry-After': '5' });
        }
        res.set({ 'X-Gold-Version': snapshot.version, ETag: `"gold-${snapshot.version}"`, 'Cache-Control': 'private, no-cache' });
        res.json(snapshot.tables[endpoint.table]);
      })
      .all(methodNotAllowed(['GET']));
  }
  return router;
}
