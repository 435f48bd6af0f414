// What the API's unit tests share: an app over an in-memory users database, a fixed gold
// snapshot, and a user to log in with.
import { Ajv2020 } from 'ajv/dist/2020.js';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { expect } from 'vitest';
import type { ApiConfig } from './config.js';
import { loadApiConfig } from './config.js';
import { createApp } from './app.js';
import { servedSnapshot, type GoldSnapshot, type GoldSource, type GoldStatus } from './gold-source.js';
import { openApiDocument } from './openapi.js';
import { UserStore } from './users.js';

export const SECRET = 'unit-test-secret-0123456789abcdef-0123456789';

export const sampleGold: GoldSnapshot = servedSnapshot({
  version: '20261128T101010Z-abcd',
  publishedAt: '2026-11-28T10:10:10.000Z',
  loadedAt: '2026-11-28T10:10:11.000Z',
  tables: {
    total_sales_per_product: [{ produit: 'Produit A', total_ventes: 1500.5, nb_transactions: 10, quantite_totale: 30 }],
    status_code_counts: [
      { status_code: 200, count_requests: 150 },
      { status_code: 404, count_requests: 7 },
    ],
    avg_likes_per_product: [{ contenu: 'Produit A', avg_likes: 75.3, nb_posts: 4 }],
    campaign_metrics: [
      { campaign_id: 'Campagne 1', total_clicks: 300, total_impressions: 1200, ctr: 0.25 },
      { campaign_id: 'Campagne 2', total_clicks: 3, total_impressions: 0, ctr: null },
    ],
  },
});

/** Gold that tests can swap: a snapshot (or none) and a state. */
export class FixedGold implements GoldSource {
  current: GoldSnapshot | undefined = sampleGold;
  state: GoldStatus = { state: 'ready', version: sampleGold.version };

  snapshot() {
    return this.current;
  }
  status() {
    return this.state;
  }
  /** Nobody is told when a test swaps `current`: tests of the notifications use a GoldMirror. */
  onVersion() {
    return () => undefined;
  }
}

export function testConfig(env: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({ JWT_SECRET: SECRET, LAKE_USERS_DB: ':memory:', ...env }, '/nonexistent');
}

export async function testApp(env: Record<string, string> = {}, gold: GoldSource = new FixedGold()) {
  const config = testConfig(env);
  const users = new UserStore(config.usersDb);
  const alice = await users.create('alice', 'correct horse battery');
  const app = createApp({ config, users, gold, version: 'test' });
  return { app, users, config, alice };
}

type App = Parameters<typeof request>[0];

export const login = (app: App, username = 'alice', password = 'correct horse battery') => request(app).post('/api/token/').send({ username, password });

/** The pair of tokens a login with the right password gets. */
export async function tokenPair(app: App, username?: string, password?: string): Promise<{ access: string; refresh: string }> {
  return (await login(app, username, password).expect(200)).body as { access: string; refresh: string };
}

export const refreshWith = (app: App, refresh: string) => request(app).post('/api/token/refresh/').send({ refresh });

/** A token signed by hand, with claims an attacker (holding a key) or a bug might choose; an access token of `subject` by default. */
export function forge(subject: string, claims: Record<string, unknown> = {}, secret: string | Buffer = SECRET, options: jwt.SignOptions = {}): string {
  const signOptions: jwt.SignOptions = { algorithm: 'HS256', subject, issuer: 'lake', audience: 'lake-api', expiresIn: 60, jwtid: 'j1', ...options };
  if (signOptions.expiresIn === undefined) delete signOptions.expiresIn;
  return jwt.sign({ token_type: 'access', ver: 0, ...claims }, secret, signOptions);
}

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
export const apiDocument = openApiDocument('test') as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

const ajv = new Ajv2020({ strict: false });
ajv.addSchema({ $id: 'lake', components: apiDocument.components });

/** Validates a response body against the OpenAPI document; fails when the status is not documented. */
export function expectDocumented(path: string, method: string, status: number, body: unknown) {
  const documented = apiDocument.paths[path]?.[method]?.responses[String(status)];
  expect(documented, `${method.toUpperCase()} ${path} → ${status} is documented`).toBeDefined();
  const schema = documented?.content?.['application/json']?.schema;
  if (!schema) return;
  const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"lake#/components')) as object);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}
