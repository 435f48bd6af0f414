// Errors a user can act on. A LakeError's message says what happened and with which input; its
// hint says what to do next. The CLI prints both on one or two lines, never a stack trace.
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

/** Text for the terminal: the message, then the hint when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof LakeError) return error.hint ? `${error.message}\n  → ${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
