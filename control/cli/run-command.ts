// Runs a CLI action: a LakeError (or an error of the Spark client) becomes a clear message and exit
// code 1; anything else is a bug, and keeps its stack trace (with LAKE_DEBUG=1 every error does,
// with Spark's server-side stack trace when there is one).
import { describeError, isUserError } from '../errors.js';

export async function runCommand(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (isUserError(error) && !process.env.LAKE_DEBUG) {
      process.stderr.write(`lake: ${describeError(error)}\n`);
    } else {
      process.stderr.write(`lake: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      const serverStackTrace = (error as { serverStackTrace?: unknown } | undefined)?.serverStackTrace;
      if (typeof serverStackTrace === 'string') process.stderr.write(`Server-side stack trace:\n${serverStackTrace}\n`);
    }
    process.exitCode = 1;
  }
}
