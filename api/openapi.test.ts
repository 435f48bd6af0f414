// The OpenAPI document says what the server really does: every answer of the app, good or bad,
// validates against the schema the document gives for that path, method and status.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiDocument, expectDocumented, testApp } from './test-support.js';

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, served at /api/schema/', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/api/schema/').expect(200);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'lake gold API' } });
  });

  it('matches the answers of every endpoint', async () => {
    const { app } = await testApp();
    const login = await request(app).post('/api/token/').send({ username: 'alice', password: 'correct horse battery' });
    expectDocumented('/api/token/', 'post', login.status, login.body);
    const { access, refresh } = login.body as { access: string; refresh: string };
    for (const body of [{ username: 'alice', password: 'wrong password' }, { username: 'alice' }]) {
      const res = await request(app).post('/api/token/').send(body);
      expectDocumented('/api/token/', 'post', res.status, res.body);
    }
    for (const token of [refresh, refresh, access]) {
      const res = await request(app).post('/api/token/refresh/').send({ refresh: token });
      expectDocumented('/api/token/refresh/', 'post', res.status, res.body);
    }
    // /api/events/ answers a stream that stays open: events.test.ts checks its answers against the document.
    for (const path of Object.keys(apiDocument.paths).filter((p) => !p.startsWith('/api/token') && p !== '/api/events/')) {
      for (const authorization of [`Bearer ${access}`, 'Bearer nope']) {
        const res = await request(app).get(path).set('Authorization', authorization);
        expectDocumented(path, 'get', res.status, res.body);
      }
    }
  });
});
