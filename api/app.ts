// The Express app factory: everything the server needs comes in as arguments, so tests start the
// same app on a random port with their own users database and gold.
import express from 'express';
import helmet from 'helmet';
import { requireAccessToken } from './auth.js';
import type { ApiConfig } from './config.js';
import type { GoldSource } from './gold-source.js';
import { errorHandler, methodNotAllowed, notFound } from './http-errors.js';
import { openApiDocument } from './openapi.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventsRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { tokenRoutes, type RateLimitStores } from './routes/token.js';
import { TokenService } from './tokens.js';
import type { UserStore } from './users.js';

export interface ApiDependencies {
  config: ApiConfig;
  users: UserStore;
  gold: GoldSource;
  version: string;
  log?: (line: string) => void;
  rateLimitStores?: RateLimitStores;
}

export function createApp({ config, users, gold, version, log = () => undefined, rateLimitStores }: ApiDependencies): express.Express {
  const tokens = new TokenService(config, users);
  const app = express();
  app.disable('x-powered-by');
  // ETags are set by the metrics routes from the gold version, not hashed from every body.
  app.set('etag', false);
  // Rate limiting keys on the client address: behind a proxy, set API_TRUST_PROXY.
  app.set('trust proxy', config.trustProxy);
  app.use(helmet());
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));

  app.use(healthRoutes(gold));
  app.use(tokenRoutes(config, users, tokens, rateLimitStores));
  const authenticate = requireAccessToken(tokens);
  app.use(metricsRoutes(gold, authenticate));
  app.use(dashboardRoutes(gold, authenticate));
  app.use(eventsRoutes(gold, authenticate, { maxStreams: config.maxEventStreams, tokens }));
  const schema = openApiDocument(version);
  app
    .route('/api/schema')
    .get((_req, res) => {
      res.json(schema);
    })
    .all(methodNotAllowed(['GET']));

  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}
