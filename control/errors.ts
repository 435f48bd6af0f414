// Errors a user can act on. A LakeError's message says what happened and with which input; its
// hint says what to do next. The CLI prints both on one or two lines, never a stack trace. The
// Spark Connect client's errors are of the same kind, with the lake's hints where it has its own.
import { isSparkClientError, lakeHintOf } from './spark-errors.js';

export class LakeError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Whether `error` says what happened and what to do next (a LakeError, a Spark client error), rather than being a bug. */
export function isUserError(error: unknown): error is Error & { hint?: string } {
  return error instanceof LakeError || isSparkClientError(error);
}

/** The hint to show with `error`, if any: the lake's own for the Spark client's errors where it has one. */
export function hintOf(error: unknown): string | undefined {
  if (error instanceof LakeError) return error.hint;
  if (isSparkClientError(error)) return lakeHintOf(error) ?? error.hint;
  return undefined;
}

/** Text for the terminal: the message, then the hint when there is one. */
export function describeError(error: unknown): string {
  if (isUserError(error)) {
    const hint = hintOf(error);
    return hint ? `${error.message}\n  → ${hint}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
