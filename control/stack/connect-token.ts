// The shared secret of the embedded Spark Connect server. Spark Connect refuses every call that
// does not carry `authorization: Bearer <token>` once the server has a token, so nobody else on
// this machine can drive our Spark. `lake stack up` creates the token once, in the runtime folder
// (mode 0600); the server gets it by environment, and clients by the default SPARK_REMOTE.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LakeError } from '../errors.js';

/**
 * The server's token travels by environment rather than as -Dspark.connect.authenticate.token:
 * a command line is visible to every user in `ps`, and a Spark setting can be read back over the
 * Config RPC. Spark reads this variable when that setting is unset.
 */
export const TOKEN_ENV = 'SPARK_CONNECT_AUTHENTICATE_TOKEN';

/** The embedded Connect server's address, without a token. */
export const EMBEDDED_REMOTE = 'sc://127.0.0.1:15002';

export function connectTokenFile(homeDir: string): string {
  return path.join(homeDir, 'secrets', 'spark-connect-token');
}

/** The token of the embedded server, or undefined before the first `stack up` made one. */
export function readConnectToken(homeDir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(connectTokenFile(homeDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const token = text.trim();
  if (!/^[0-9a-f]{64}$/.test(token)) {
    throw new LakeError(
      `the Spark Connect token in ${connectTokenFile(homeDir)} is not 64 hex characters`,
      'delete that file and restart the Connect server (`npm run lake -- stack down`, then `stack up`) to get a new token',
    );
  }
  return token;
}

/** The address a client of the embedded stack uses: with the token once there is one. */
export function embeddedRemote(homeDir: string): string {
  const token = readConnectToken(homeDir);
  return token ? `${EMBEDDED_REMOTE}/;token=${token}` : EMBEDDED_REMOTE;
}

/** Creates the token on first use and returns it; later calls return the same one. */
export async function ensureConnectToken(homeDir: string): Promise<string> {
  const existing = readConnectToken(homeDir);
  if (existing) return existing;
  const file = connectTokenFile(homeDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  // Written whole under another name, then linked in place: link fails when the file exists, so of
  // two `stack up` racing, the second keeps the first one's token and never sees a half-written file.
  const draft = `${file}.${randomBytes(6).toString('hex')}.draft`;
  await writeFile(draft, `${token}\n`, { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readConnectToken(homeDir) as string;
  } finally {
    await rm(draft, { force: true });
  }
  return token;
}
