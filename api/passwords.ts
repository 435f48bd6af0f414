// Password hashing with scrypt (Node's crypto), stored as `scrypt$N$r$p$salt$hash` so the cost
// can be raised later without breaking stored hashes. Comparison is constant-time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const COST = { N: 16_384, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/**
 * At most this many scrypt computations at once; the others wait their turn. scrypt runs on
 * libuv's thread pool (4 threads), which also reads the files the API serves: a flood of logins
 * must not take all of it, nor every core.
 */
export const MAX_CONCURRENT_HASHES = 2;
let hashSlots = MAX_CONCURRENT_HASHES;
let hashing = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= hashSlots) await new Promise<void>((resolve) => waiting.push(resolve));
  else hashing++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, or is freed.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

/**
 * Shares the bound among the processes of an API cluster, so that together they hash no more
 * at once than one process would (at least one each).
 */
export function shareHashSlots(processes: number): void {
  hashSlots = Math.max(1, Math.floor(MAX_CONCURRENT_HASHES / processes));
}

/** How many computations are running and waiting (for tests and diagnostics). */
export const hashLoad = () => ({ running: hashing, waiting: waiting.length });

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, checked against when the user does not exist, so that a login for
 * an unknown user costs the same time as one with a wrong password.
 */
export const decoyHash: Promise<string> = hashPassword(randomBytes(16).toString('hex'));
