// Probes for orchestrators: /api/health says the process answers; /api/ready says gold is loaded
// (200, also when stale) or not yet (503). Anyone may ask, so the answer is the state alone: which
// version, when it was loaded and why a check failed are for the API's log and its authenticated
// callers (X-Gold-Version, /api/events/), not for whoever finds the port.
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
      const { state } = gold.status();
      res.status(state === 'empty' ? 503 : 200).json({ ready: state !== 'empty', gold: { state } });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
