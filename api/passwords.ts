// Password hashing with scrypt (Node's crypto), stored as `scrypt$N$r$p$salt$hash` so the cost
// can be raised later without breaking stored hashes. Comparison is constant-time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const COST = { N: 16_384, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** Turns to compute a hash: `take` resolves when it is this caller's turn, `give` ends it. */
export interface HashTurnGiver {
  take(): Promise<void>;
  give(): void;
}

/**
 * Every turn is taken and as many callers wait as may: this one is refused at once. A flood of
 * logins from many addresses would otherwise grow the line without end, and a real user's login
 * would wait behind all of it.
 */
export class HashQueueFull extends Error {
  constructor() {
    super('too many logins are waiting for their password to be checked');
  }
}

/**
 * At most `size` turns at once in this process; at most `maxWaiting` callers wait, in the order
 * they asked, and a caller beyond them gets HashQueueFull.
 */
export class HashTurns implements HashTurnGiver {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  async take(): Promise<void> {
    if (this.running < this.size) this.running++;
    else if (this.waiting.length >= this.maxWaiting) throw new HashQueueFull();
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    // The turn passes straight to the next in line, or is freed.
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** How many turns are taken and how many callers wait (for tests and diagnostics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

// One at a time until the API sets its bound (API_LOGIN_HASHES): the CLI hashes one password.
let turns: HashTurnGiver = new HashTurns(1);

/**
 * Where every hash of this process takes its turn from: the API's configured bound, or for a
 * worker of an API cluster its primary's, so that together the workers hash no more at once.
 */
export function useHashTurns(giver: HashTurnGiver): void {
  turns = giver;
}

async function withHashTurn<T>(work: () => Promise<T>): Promise<T> {
  await turns.take();
  try {
    return await work();
  } finally {
    turns.give();
  }
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return withHashTurn(
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
