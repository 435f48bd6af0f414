// Errors as the API answers them: JSON `{"detail": "..."}` with the right status, never a stack
// trace. Body-parser failures (bad JSON, too large) are mapped here too.
import type { ErrorRequestHandler, RequestHandler } from 'express';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const notFound: RequestHandler = (req, _res, next) => next(new HttpError(404, `No endpoint ${req.path}`));

/** For a known path called with another method. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
  return (req, _res, next) => next(new HttpError(405, `Method "${req.method}" not allowed`, { Allow: allow }));
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    let failure: HttpError;
    const parser = error as BodyParserError;
    if (error instanceof HttpError) failure = error;
    else if (parser.type === 'entity.too.large') failure = new HttpError(413, `Request body is larger than ${parser.limit ?? 'the limit'} bytes`);
    else if (parser.type === 'entity.parse.failed') failure = new HttpError(400, 'Request body is not valid JSON');
    else if (parser.type === 'encoding.unsupported' || parser.type === 'charset.unsupported') failure = new HttpError(415, 'Request body encoding is not supported: send UTF-8 JSON');
    else if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) failure = new HttpError(parser.status, 'Bad request');
    else {
      log(`${req.method} ${req.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      failure = new HttpError(500, 'Internal server error');
    }
    res.status(failure.status).set(failure.headers).json({ detail: failure.detail });
  };
}
