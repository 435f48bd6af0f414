// The app factory: everything the server needs comes in as arguments, so tests start the same
// app on a random port with their own users database and gold. The app is a node:http request
// listener: the four metrics endpoints' lean path (lean-metrics.ts) first, then the Express app
// for everything it does not answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { accessTokenStrategy, requireAccessToken } from './auth.js';
import type { ApiConfig } from './config.js';
import type { GoldSource } from './gold-source.js';
import { errorHandler, methodNotAllowed, notFound } from './http-errors.js';
import { leanMetrics } from './lean-metrics.js';
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

/** What `createApp` makes: a request listener for `http.createServer` (or supertest), which can also listen itself, as Express's app does. */
export type ApiApp = ((req: IncomingMessage, res: ServerResponse) => void) & { listen(port: number, host?: string): Server };

export function createApp(dependencies: ApiDependencies): ApiApp {
  const { config, gold } = dependencies;
  const tokens = new TokenService(config, dependencies.users);
  const strategy = accessTokenStrategy(tokens);
  const securityHeaders = helmet();
  const app = createExpressApp(dependencies, tokens, strategy, securityHeaders);
  if (!config.leanMetrics) return app;
  const lean = leanMetrics({ gold, strategy, securityHeaders });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let answered: boolean;
    try {
      answered = lean(req, res);
    } catch {
      // Whatever went wrong there, Express answers it as it always did (a 500, logged) unless an answer had started.
      answered = res.headersSent;
    }
    if (!answered) app(req, res);
  };
  return Object.assign(handle, { listen: (port: number, host?: string) => createServer(handle).listen(port, host) });
}

function createExpressApp(
  { config, users, gold, version, log = () => undefined, rateLimitStores }: ApiDependencies,
  tokens: TokenService,
  strategy: ReturnType<typeof accessTokenStrategy>,
  securityHeaders: ReturnType<typeof helmet>,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // ETags are set by the metrics routes from the gold version, not hashed from every body.
  app.set('etag', false);
  // Rate limiting keys on the client address: behind a proxy, set API_TRUST_PROXY.
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));

  app.use(healthRoutes(gold));
  app.use(tokenRoutes(config, users, tokens, rateLimitStores));
  const authenticate = requireAccessToken(strategy);
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
