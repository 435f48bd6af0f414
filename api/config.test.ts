import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig, parseDuration } from './config.js';

describe('loadApiConfig', () => {
  it('refuses a JWT_SECRET shorter than 32 bytes', () => {
    expect(() => loadApiConfig({ JWT_SECRET: 'short' }, '/nonexistent')).toThrow(/shorter than 32 bytes/);
  });

  it('refuses to start in production without JWT_SECRET', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production' }, '/nonexistent')).toThrow(/JWT_SECRET is not set/);
  });

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
    const config = loadApiConfig({ JWT_SECRET: 'x'.repeat(32) }, '/nonexistent');
    expect([config.accessTtlSeconds, config.refreshTtlSeconds, config.rotateRefreshTokens]).toEqual([300, 86_400, true]);
    expect(parseDuration('X', '90')).toBe(90);
    expect(parseDuration('X', '12h')).toBe(43_200);
    expect(() => parseDuration('JWT_ACCESS_TTL', '5 minutes')).toThrow(/JWT_ACCESS_TTL=5 minutes is not a duration/);
  });
});
