// The OpenAPI 3.1 document served at /api/schema/. The metric schemas come from the same
// declaration the routes serve (gold-tables.ts); a test validates real responses against it.
import { goldEndpoints, type GoldColumn } from './gold-tables.js';
import { chartPath } from './routes/dashboard.js';

type Schema = Record<string, unknown>;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function columnSchema(column: GoldColumn): Schema {
  return { type: column.nullable ? [column.type, 'null'] : column.type, description: column.description };
}

const tokenPairSchema: Schema = {
  type: 'object',
  required: ['access', 'refresh'],
  properties: { access: { type: 'string', description: 'access token (JWT, HS256)' }, refresh: { type: 'string', description: 'refresh token (JWT, HS256)' } },
};

export function openApiDocument(version: string): Schema {
  const paths: Record<string, Schema> = {
    '/api/token/': {
      post: {
        summary: 'Obtain an access and a refresh token',
        tags: ['auth'],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
            },
          },
        },
        responses: {
          '200': { description: 'the tokens', content: { 'application/json': { schema: tokenPairSchema } } },
          '400': errorResponse('missing or malformed field, or a body that is not JSON'),
          '401': errorResponse('wrong username or password'),
          '413': errorResponse('body too large'),
          '429': errorResponse('too many failed attempts for this client and username'),
          '503': errorResponse('too many logins waiting for their password to be checked: try again after Retry-After seconds'),
        },
      },
    },
    '/api/token/refresh/': {
      post: {
        summary: 'Trade a refresh token for a new access token (and, with rotation, a new refresh token)',
        tags: ['auth'],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['refresh'], properties: { refresh: { type: 'string' } } } } },
        },
        responses: {
          '200': {
            description: 'a new access token; with rotation on (the default), also a new refresh token',
            content: { 'application/json': { schema: { type: 'object', required: ['access'], properties: tokenPairSchema.properties as Schema } } },
          },
          '400': errorResponse('missing refresh field, or a body that is not JSON'),
          '401': errorResponse('invalid, expired, already used or wrong-type token'),
        },
      },
    },
    '/api/health': {
      get: {
        summary: 'The process answers',
        tags: ['operations'],
        responses: { '200': { description: 'alive', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } } } },
      },
    },
    '/api/ready': {
      get: {
        summary: 'Gold is loaded (ready, or stale when the last check failed); nothing more, since anyone may ask',
        tags: ['operations'],
        responses: {
          '200': { description: 'gold is loaded', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
          '503': { description: 'no gold loaded yet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
        },
      },
    },
  };

  for (const endpoint of goldEndpoints) {
    paths[`${endpoint.path}/`] = {
      get: {
        summary: endpoint.summary,
        tags: ['metrics'],
        security: [{ bearer: [] }],
        parameters: [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'an ETag from an earlier answer' }],
        responses: {
          '200': {
            description: `the rows of gold ${endpoint.table}`,
            headers: {
              'X-Gold-Version': { schema: { type: 'string' }, description: 'run id of the gold version served' },
              ETag: { schema: { type: 'string' } },
            },
            content: {
              'application/json': {
                schema: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: endpoint.columns.map((column) => column.name),
                    properties: Object.fromEntries(endpoint.columns.map((column) => [column.name, columnSchema(column)])),
                  },
                },
              },
            },
          },
          '304': { description: 'unchanged since the ETag given in If-None-Match' },
          '401': errorResponse('missing, invalid or expired access token'),
          '503': errorResponse('gold is not loaded yet'),
        },
      },
    };
  }

  for (const endpoint of goldEndpoints) {
    paths[`${chartPath(endpoint.path)}/`] = {
      get: {
        summary: `Vega-Lite chart of gold ${endpoint.table}, with its data inline (what the dashboard draws)`,
        tags: ['charts'],
        security: [{ bearer: [] }],
        responses: {
          '200': {
            description: 'a Vega-Lite specification',
            headers: { 'X-Gold-Version': { schema: { type: 'string' } }, ETag: { schema: { type: 'string' } } },
            content: { 'application/json': { schema: { type: 'object', required: ['$schema'], properties: { $schema: { type: 'string', pattern: 'vega-lite' } } } } },
          },
          '304': { description: 'unchanged since the ETag given in If-None-Match' },
          '401': errorResponse('missing, invalid or expired access token'),
          '503': errorResponse('gold is not loaded yet'),
        },
      },
    };
  }

  paths['/api/events/'] = {
    get: {
      summary: 'A stream of Server-Sent Events: the current gold version at once, then each new one',
      description: [
        'Answers `text/event-stream` and stays open. It starts with a `retry:` hint, then an event `gold` whose data is',
        '`{"version", "publishedAt"}` of the version served (none before any gold is loaded), then one `gold` event per',
        'new version. A comment (`: keep-alive`) comes every 15 s. The stream ends when the access token expires, or',
        "when its user's tokens are revoked: reconnect with a fresh token. Open streams are capped per process.",
      ].join(' '),
      tags: ['metrics'],
      security: [{ bearer: [] }],
      responses: {
        '200': {
          description: 'the stream of events',
          content: {
            'text/event-stream': {
              schema: { type: 'string', description: 'event: gold\ndata: {"version": "<run id>", "publishedAt": "<ISO time>"}\n\n, once now and once per new version' },
            },
          },
        },
        '401': errorResponse('missing, invalid or expired access token'),
        '503': errorResponse('too many streams open in this process: try again after Retry-After seconds'),
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: { title: 'lake gold API', version, description: 'The gold metrics of the lake, read-only, behind JWT bearer authentication.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } },
        Readiness: {
          type: 'object',
          required: ['ready', 'gold'],
          properties: {
            ready: { type: 'boolean' },
            gold: { type: 'object', required: ['state'], additionalProperties: false, properties: { state: { enum: ['empty', 'ready', 'stale'] } } },
          },
        },
      },
    },
  };
}
