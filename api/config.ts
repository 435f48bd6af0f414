// Typed configuration of the API server from the environment. Defaults suit the embedded stack;
// every value can be set for a real deployment (see README, "The API").
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LakeError } from '../control/errors.js';

type Env = Record<string, string | undefined>;

export interface ApiConfig {
  host: string;
  port: number;
  /** HS256 signing secret, at least 32 bytes. */
  jwtSecret: string;
  /** Where the secret came from, for the start-up line (never the secret itself). */
  jwtSecretSource: string;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long a login lasts at most, however often its refresh token is rotated. */
  sessionTtlSeconds: number;
  /** A used refresh token is revoked and a new one issued with the new access token. */
  rotateRefreshTokens: boolean;
  /** SQLite file holding the users and the revoked refresh tokens. */
  usersDb: string;
  /** How often the published gold version is checked (ms). */
  goldPollMs: number;
  /** Failed logins allowed per client and username within `loginWindowMs`. */
  loginAttempts: number;
  /** Failed logins per client address, whatever the usernames: password spraying. */
  loginAttemptsPerClient: number;
  loginWindowMs: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client address. */
  trustProxy: boolean | number | string;
  /** Processes serving requests on the one port (api/cluster.ts); 1 serves from the `lake api` process itself. */
  workers: number;
  /** Open `/api/events/` streams allowed per process; one more is refused with 503. */
  maxEventStreams: number;
}

export const MIN_SECRET_BYTES = 32;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `300`, `300s`, `5m`, `12h`, `1d` → seconds. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (DURATION_UNITS[match[2] || 's'] ?? 1) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new LakeError(`${name}=${text} is not a duration`, `use seconds or a number with s, m, h or d, e.g. ${name}=5m`);
  }
  return seconds;
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new LakeError(`${name}=${text} is not a positive integer`);
  return value;
}

/** A file path, or SQLite's `:memory:` (a database that lives as long as the process). */
const usersDb = (text: string) => (text === ':memory:' ? text : path.resolve(text));

function trustProxy(text: string): boolean | number | string {
  if (text === 'true' || text === 'false') return text === 'true';
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * A rough measure of how guessable a secret is: its length times the Shannon entropy of its
 * characters' frequencies. Random hex of 32 bytes scores about 250 bits; `xxxx…` scores 0 and
 * `changeme` repeated about 90, whatever their length.
 */
export function estimatedSecretBits(secret: string): number {
  const characters = [...secret];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) perCharacter -= (count / characters.length) * Math.log2(count / characters.length);
  return characters.length * perCharacter;
}

/** Below this estimate a secret is refused as guessable. */
export const MIN_SECRET_BITS = 100;

function checkedSecret(secret: string, where: string): string {
  const fix = 'make one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"';
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new LakeError(`the JWT signing secret from ${where} is shorter than ${MIN_SECRET_BYTES} bytes`, fix);
  }
  if (estimatedSecretBits(secret) < MIN_SECRET_BITS) {
    throw new LakeError(`the JWT signing secret from ${where} is too predictable (repeated or few distinct characters)`, fix);
  }
  return secret;
}

/**
 * The signing secret: JWT_SECRET when set. In production there is no fallback. Elsewhere (the
 * embedded demo) a random secret is made once and kept in the runtime folder, so tokens survive a
 * restart of the API.
 */
function jwtSecret(env: Env, homeDir: string): { secret: string; source: string } {
  const fromEnv = env.JWT_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') return { secret: checkedSecret(fromEnv, 'JWT_SECRET'), source: 'JWT_SECRET' };
  if (env.NODE_ENV === 'production') {
    throw new LakeError('JWT_SECRET is not set, and NODE_ENV=production', `set JWT_SECRET to a random string of at least ${MIN_SECRET_BYTES} bytes`);
  }
  const file = path.join(homeDir, 'secrets', 'jwt-secret');
  try {
    return { secret: checkedSecret(readFileSync(file, 'utf8').trim(), file), source: file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(MIN_SECRET_BYTES).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret, source: file };
}

export function loadApiConfig(env: Env, homeDir: string): ApiConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const { secret, source } = jwtSecret(env, homeDir);
  const port = Number(get('API_PORT', '8000'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LakeError(`API_PORT=${env.API_PORT} is not a port`);
  const rotation = get('JWT_ROTATE_REFRESH_TOKENS', 'true');
  if (rotation !== 'true' && rotation !== 'false') throw new LakeError(`JWT_ROTATE_REFRESH_TOKENS=${rotation} must be true or false`);
  return {
    host: get('API_HOST', '127.0.0.1'),
    port,
    jwtSecret: secret,
    jwtSecretSource: source,
    issuer: get('JWT_ISSUER', 'lake'),
    audience: get('JWT_AUDIENCE', 'lake-api'),
    accessTtlSeconds: parseDuration('JWT_ACCESS_TTL', get('JWT_ACCESS_TTL', '5m')),
    refreshTtlSeconds: parseDuration('JWT_REFRESH_TTL', get('JWT_REFRESH_TTL', '1d')),
    sessionTtlSeconds: parseDuration('JWT_SESSION_TTL', get('JWT_SESSION_TTL', '7d')),
    rotateRefreshTokens: rotation === 'true',
    usersDb: usersDb(get('LAKE_USERS_DB', path.join(homeDir, 'api', 'users.sqlite'))),
    goldPollMs: positiveInteger('API_GOLD_POLL_MS', get('API_GOLD_POLL_MS', '1000')),
    loginAttempts: positiveInteger('API_LOGIN_ATTEMPTS', get('API_LOGIN_ATTEMPTS', '10')),
    loginAttemptsPerClient: positiveInteger('API_LOGIN_CLIENT_ATTEMPTS', get('API_LOGIN_CLIENT_ATTEMPTS', '50')),
    loginWindowMs: parseDuration('API_LOGIN_WINDOW', get('API_LOGIN_WINDOW', '15m')) * 1000,
    bodyLimitBytes: positiveInteger('API_BODY_LIMIT_BYTES', get('API_BODY_LIMIT_BYTES', '8192')),
    trustProxy: trustProxy(get('API_TRUST_PROXY', 'false')),
    workers: positiveInteger('API_WORKERS', get('API_WORKERS', String(os.availableParallelism()))),
    maxEventStreams: positiveInteger('API_EVENT_STREAMS', get('API_EVENT_STREAMS', '1000')),
  };
}
