// Typed configuration of the API server from the environment. Defaults suit the embedded stack;
// every value can be set for a real deployment (see README, "The API").
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  /** Password hashes (scrypt) computed at once by the whole API; more logins wait their turn. */
  loginHashes: number;
  /** Logins that may wait for a turn to hash, across the API; one more is refused with 503 at once. */
  loginQueue: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client address. */
  trustProxy: boolean | number | string;
  /** Processes serving requests on the one port (api/cluster.ts); 1 serves from the `lake api` process itself. */
  workers: number;
  /** Open `/api/events/` streams allowed per process; one more is refused with 503. */
  maxEventStreams: number;
  /** The metrics endpoints answered on their lean path before Express (api/lean-metrics.ts); false: by Express's routes, as before. */
  leanMetrics: boolean;
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
 * A rough, cautious measure of how guessable a secret is, in bits: the lower of two estimates.
 * One is its length times the Shannon entropy of its characters' frequencies, low for few
 * distinct characters (`xxxx…`). The other counts only the characters a guesser could not predict
 * from those before — a character that continues a run of equal steps (`aaaa`, `abcd`, `1234`,
 * `9753`) counts for nothing, a stretch of 4 or more that repeats earlier text for one — at the bits
 * of a character drawn from the classes the secret uses (digits, lower case, upper case, other).
 * Random hex of 32 bytes scores about 240 bits; `changeme` repeated, `Password123!` repeated or
 * `0123456789abcdef` twice score under 100, whatever their length.
 */
export function estimatedSecretBits(secret: string): number {
  const codes = [...secret].map((character) => character.codePointAt(0)!);
  return Math.min(shannonBits(codes), unpredictableCharacters(codes) * bitsPerCharacter(secret));
}

function shannonBits(codes: number[]): number {
  const counts = new Map<number, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) perCharacter -= (count / codes.length) * Math.log2(count / codes.length);
  return codes.length * perCharacter;
}

function bitsPerCharacter(secret: string): number {
  const classes: [RegExp, number][] = [
    [/[0-9]/, 10],
    [/[a-z]/, 26],
    [/[A-Z]/, 26],
    [/[^0-9a-zA-Z]/, 33],
  ];
  const alphabet = classes.reduce((size, [pattern, count]) => size + (pattern.test(secret) ? count : 0), 0);
  return Math.log2(Math.max(alphabet, 2));
}

function unpredictableCharacters(codes: number[]): number {
  let count = 0;
  for (let i = 0; i < codes.length; ) {
    const repeated = longestEarlierMatch(codes, i);
    if (repeated >= 4) {
      count += 1;
      i += repeated;
    } else {
      const continuesRun = i >= 2 && codes[i]! - codes[i - 1]! === codes[i - 1]! - codes[i - 2]!;
      if (!continuesRun) count += 1;
      i += 1;
    }
  }
  return count;
}

/** The length of the longest text starting at `at` that also starts earlier (it may overlap `at`, as in `abababab`). */
function longestEarlierMatch(codes: number[], at: number): number {
  let longest = 0;
  for (let start = 0; start < at; start++) {
    let length = 0;
    while (at + length < codes.length && codes[start + length] === codes[at + length]) length++;
    longest = Math.max(longest, length);
  }
  return longest;
}

/** Below this estimate a secret is refused as guessable. */
export const MIN_SECRET_BITS = 100;

function checkedSecret(secret: string, where: string): string {
  const fix = 'make one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"';
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new LakeError(`the JWT signing secret from ${where} is shorter than ${MIN_SECRET_BYTES} bytes`, fix);
  }
  if (estimatedSecretBits(secret) < MIN_SECRET_BITS) {
    throw new LakeError(`the JWT signing secret from ${where} is too predictable (repeats, runs such as abcd or 1234, or few distinct characters)`, fix);
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
    const secret = checkedSecret(readFileSync(file, 'utf8').trim(), file);
    // Made readable by all by an older lake: whoever could read it could sign any user's tokens.
    if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
    return { secret, source: file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(MIN_SECRET_BYTES).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret, source: file };
}

/**
 * How often the primary reads gold's pointer by default: a new gold version is served within this
 * interval (and the time to load it) of its publication. A read is one small file from HDFS, a few
 * milliseconds of the NameNode's and a DataNode's time. A stream publishes every few seconds; at 1 s
 * a version reached the API a median 0.7–1.1 s after its publication, at 250 ms 0.3–0.4 s
 * (docs/benchmarks.md, "The API's poll and the stream's trigger").
 */
export const defaultGoldPollMs = 250;

export function loadApiConfig(env: Env, homeDir: string): ApiConfig {
  const get = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const { secret, source } = jwtSecret(env, homeDir);
  const port = Number(get('API_PORT', '8000'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LakeError(`API_PORT=${env.API_PORT} is not a port`);
  const rotation = get('JWT_ROTATE_REFRESH_TOKENS', 'true');
  if (rotation !== 'true' && rotation !== 'false') throw new LakeError(`JWT_ROTATE_REFRESH_TOKENS=${rotation} must be true or false`);
  const lean = get('API_LEAN_METRICS', 'true');
  if (lean !== 'true' && lean !== 'false') throw new LakeError(`API_LEAN_METRICS=${lean} must be true or false`);
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
    goldPollMs: positiveInteger('API_GOLD_POLL_MS', get('API_GOLD_POLL_MS', String(defaultGoldPollMs))),
    loginAttempts: positiveInteger('API_LOGIN_ATTEMPTS', get('API_LOGIN_ATTEMPTS', '10')),
    loginAttemptsPerClient: positiveInteger('API_LOGIN_CLIENT_ATTEMPTS', get('API_LOGIN_CLIENT_ATTEMPTS', '50')),
    loginWindowMs: parseDuration('API_LOGIN_WINDOW', get('API_LOGIN_WINDOW', '15m')) * 1000,
    // Each hash keeps a core busy for tens of milliseconds (and takes one of libuv's 4 threads, which
    // also read the files the API serves): a flood of logins gets half the cores, the requests the rest.
    loginHashes: positiveInteger('API_LOGIN_HASHES', get('API_LOGIN_HASHES', String(Math.max(1, Math.floor(os.availableParallelism() / 2))))),
    // A hash takes 50-100 ms here: the last of 32 waits a few seconds behind one hash at a time.
    loginQueue: positiveInteger('API_LOGIN_QUEUE', get('API_LOGIN_QUEUE', '32')),
    bodyLimitBytes: positiveInteger('API_BODY_LIMIT_BYTES', get('API_BODY_LIMIT_BYTES', '8192')),
    trustProxy: trustProxy(get('API_TRUST_PROXY', 'false')),
    workers: positiveInteger('API_WORKERS', get('API_WORKERS', String(os.availableParallelism()))),
    maxEventStreams: positiveInteger('API_EVENT_STREAMS', get('API_EVENT_STREAMS', '1000')),
    leanMetrics: lean === 'true',
  };
}
