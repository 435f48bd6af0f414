// Nobody else drives our Spark: the Connect server (the embedded stack's, or the one SPARK_REMOTE
// names) refuses a client without its token, or with a wrong one, and the user is told so in one
// clear error that never shows a token; with the token everything works.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../control/config.js';
import { hintOf } from '../../control/errors.js';
import { SparkAuthError, SparkSession } from '@lake/spark-connect';
import { parseRemote } from '@lake/spark-connect';

const run = promisify(execFile);
const remote = loadConfig().sparkRemote;
const { token } = parseRemote(remote);
const withoutToken = remote.replace(/;token=[^;]*/, '');
const WRONG_TOKEN = 'f00dfeedf00dfeedf00dfeedf00dfeed';
const withWrongToken = `${withoutToken.replace(/\/$/, '')}/;token=${WRONG_TOKEN}`;

/** What a client gets on its first call: the Spark version, or the error. */
async function firstCall(address: string): Promise<string | unknown> {
  const session = await SparkSession.connect(address, { retryPolicy: { maxRetries: 0 } });
  try {
    return await session.version();
  } catch (error) {
    return error;
  } finally {
    await session.close().catch(() => undefined);
  }
}

async function lakeSql(address: string) {
  try {
    await run(process.execPath, ['--import', 'tsx', 'control/cli/main.ts', 'sql', 'SELECT 1 AS one'], {
      cwd: repoRoot,
      env: { ...process.env, SPARK_REMOTE: address, LAKE_DEBUG: '' },
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

// An external cluster run without a token has nothing to refuse.
describe.skipIf(token === undefined)('Spark Connect token', () => {
  it('lets a client with the token in', async () => {
    expect(await firstCall(remote)).toMatch(/^4\.2\./);
  });

  it('refuses a client without a token', async () => {
    const error = await firstCall(withoutToken);
    expect(error).toBeInstanceOf(SparkAuthError);
    expect(error).toMatchObject({
      hadToken: false,
      message: expect.stringMatching(/^Spark Connect at sc:\/\/\S+ refused a client without a token \(No authentication token provided\)$/),
      hint: expect.stringContaining('in the connection string: sc://host:15002/;token=<token>'),
    });
    // The client's hint is generic; the lake names SPARK_REMOTE (control/spark-errors.ts).
    expect(hintOf(error)).toContain('SPARK_REMOTE: sc://host:15002/;token=<token>');
  });

  it('refuses a client with a wrong token', async () => {
    const error = await firstCall(withWrongToken);
    expect(error).toBeInstanceOf(SparkAuthError);
    expect(error).toMatchObject({
      hadToken: true,
      message: expect.stringMatching(/^Spark Connect at sc:\/\/\S+ refused the token \(Invalid authentication token\)$/),
    });
  });

  it('tells a CLI user what to fix, without a stack trace and without the token', async () => {
    const missing = await lakeSql(withoutToken);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^lake: Spark Connect at \S+ refused a client without a token .*\n {2}→ put the server's token in SPARK_REMOTE/m);
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const wrong = await lakeSql(withWrongToken);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^lake: Spark Connect at \S+ refused the token \(Invalid authentication token\)$/m);
    for (const secret of [WRONG_TOKEN, token as string]) expect(wrong.stderr).not.toContain(secret);
  });
});
