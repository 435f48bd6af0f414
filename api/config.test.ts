import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig, parseDuration } from './config.js';

describe('loadApiConfig', () => {
  it('outside production, makes a secret once in the runtime folder and keeps it', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'lake-api-config-'));
    const first = loadApiConfig({}, home);
    const second = loadApiConfig({}, home);
    expect(first.jwtSecret).toHaveLength(64);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    const file = path.join(home, 'secrets', 'jwt-secret');
    expect((await readFile(file, 'utf8')).trim()).toBe(first.jwtSecret);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reads lifetimes with units, and defaults to 5 minutes and 1 day', () => {
    const config = loadApiConfig({ JWT_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924' }, '/nonexistent');
    expect([config.accessTtlSeconds, config.refreshTtlSeconds, config.rotateRefreshTokens]).toEqual([300, 86_400, true]);
    expect(parseDuration('X', '90')).toBe(90);
    expect(parseDuration('X', '12h')).toBe(43_200);
    expect(() => parseDuration('JWT_ACCESS_TTL', '5 minutes')).toThrow(/JWT_ACCESS_TTL=5 minutes is not a duration/);
  });

  it('caps open event streams at 1000 per process by default, or API_EVENT_STREAMS', () => {
    expect(loadApiConfig({ JWT_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924' }, '/nonexistent').maxEventStreams).toBe(1000);
    expect(loadApiConfig({ JWT_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924', API_EVENT_STREAMS: '25' }, '/nonexistent').maxEventStreams).toBe(25);
    expect(() => loadApiConfig({ JWT_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924', API_EVENT_STREAMS: '0' }, '/nonexistent')).toThrow(/API_EVENT_STREAMS=0 is not a positive integer/);
  });

  it('answers the metrics on their lean path unless API_LEAN_METRICS=false', () => {
    const env = { JWT_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924' };
    expect(loadApiConfig(env, '/nonexistent').leanMetrics).toBe(true);
    expect(loadApiConfig({ ...env, API_LEAN_METRICS: 'false' }, '/nonexistent').leanMetrics).toBe(false);
    expect(() => loadApiConfig({ ...env, API_LEAN_METRICS: 'no' }, '/nonexistent')).toThrow(/API_LEAN_METRICS=no must be true or false/);
  });
});
