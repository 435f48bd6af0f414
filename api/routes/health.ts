// Probes for orchestrators: /api/health says the process answers; /api/ready says gold is loaded
// (200, with its version, also when stale) or not yet (503). Anyone may ask, so the answer holds
// no internal detail: why a check failed goes to the API's log, not to the caller.
import { Router } from 'express';
import type { GoldSource } from '../gold-source.js';
import { methodNotAllowed } from '../http-errors.js';

export function healthRoutes(gold: GoldSource): Router {
  const router = Router();
  router
    .route('/api/health')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/api/ready')
    .get((_req, res) => {
      const { error: _internal, ...status } = gold.status();
      res.status(status.state === 'empty' ? 503 : 200).json({ ready: status.state !== 'empty', gold: status });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
