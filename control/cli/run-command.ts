// Runs a CLI action: a LakeError becomes a clear message and exit code 1; anything else is a bug,
// and keeps its stack trace (with LAKE_DEBUG=1 every error does).
import { LakeError, describeError } from '../errors.js';

export async function runCommand(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof LakeError && !process.env.LAKE_DEBUG) {
      process.stderr.write(`lake: ${describeError(error)}\n`);
    } else {
      process.stderr.write(`lake: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 1;
  }
}
