// What a failed call to Spark Connect becomes. A gRPC status alone says little ("INTERNAL"); Spark
// adds an ErrorInfo (error class, SQLSTATE, message parameters) and keeps the full exception chain
// for FetchErrorDetails. These classes turn that into an error a user can act on (what happened,
// and a hint on what to do next), while keeping every detail a program needs (errorClass,
// sqlState, messageParameters). An application may show its own hints instead: every class and
// field here is public for that.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { FetchErrorDetailsResponse } from './gen/spark/connect/base_pb.js';
import { decodeStatusDetails, type ErrorInfo } from './status-details.js';

/** Every error this library throws: a message saying what happened, a hint on what to do next. */
export class SparkConnectError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The server cannot be reached (refused, timed out, or the connection dropped and retries ran out).
 * `during` names what failed because of it (`silver run <id> failed`), with its own `hint`.
 */
export class SparkUnreachableError extends SparkConnectError {
  constructor(
    readonly remote: string,
    readonly detail?: string,
    options?: { cause?: unknown; during?: string; hint?: string },
  ) {
    super(
      `${options?.during ? `${options.during}: ` : ''}cannot reach Spark Connect at ${remote}${detail ? ` (${detail})` : ''}`,
      options?.hint ?? `check that a Spark Connect server runs at ${remote} and that this machine can reach it`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.during = options?.during;
  }

  readonly during: string | undefined;
}

// Both refusals have the same fix: the server's token in the connection string.
const TOKEN_HINT = "put the server's token (its spark.connect.authenticate.token) in the connection string: sc://host:15002/;token=<token>";

/** The server turned the client away: no token, a wrong token, or no permission. */
export class SparkAuthError extends SparkConnectError {
  constructor(
    readonly remote: string,
    readonly hadToken: boolean,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      hadToken
        ? `Spark Connect at ${remote} refused the token (${detail})`
        : `Spark Connect at ${remote} refused a client without a token (${detail})`,
      TOKEN_HINT,
      options,
    );
  }
}

/** The operation was cancelled by the caller (an AbortSignal, Ctrl-C). */
export class SparkInterruptedError extends SparkConnectError {
  constructor(
    readonly operationId?: string,
    options?: { cause?: unknown },
  ) {
    super(operationId ? `Spark operation ${operationId} was interrupted` : 'the Spark operation was interrupted', undefined, options);
  }
}

export interface SparkErrorInit {
  message: string;
  hint?: string;
  grpcCode: number;
  errorClass?: string;
  sqlState?: string;
  messageParameters?: Record<string, string>;
  /** Spark's own message, untouched. */
  serverMessage: string;
  /** JVM class of the server-side exception, e.g. org.apache.spark.sql.AnalysisException. */
  exceptionClass?: string;
  /** The part of the SQL text the error points at, when Spark knows it. */
  fragment?: string;
  serverStackTrace?: string;
}

/** An error Spark raised while running a request: a bad query, a missing table, a failed job. */
export class SparkError extends SparkConnectError {
  readonly grpcCode: number;
  readonly errorClass?: string;
  readonly sqlState?: string;
  readonly messageParameters: Readonly<Record<string, string>>;
  readonly serverMessage: string;
  readonly exceptionClass?: string;
  readonly fragment?: string;
  readonly serverStackTrace?: string;

  constructor(init: SparkErrorInit, options?: { cause?: unknown }) {
    super(init.message, init.hint, options);
    this.grpcCode = init.grpcCode;
    this.errorClass = init.errorClass;
    this.sqlState = init.sqlState;
    this.messageParameters = init.messageParameters ?? {};
    this.serverMessage = init.serverMessage;
    this.exceptionClass = init.exceptionClass;
    this.fragment = init.fragment;
    this.serverStackTrace = init.serverStackTrace;
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

/** The ErrorInfo Spark attached to a failed call, if any. */
export function errorInfoOf(error: ServiceError): ErrorInfo | undefined {
  const [raw] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!raw || typeof raw === 'string') return undefined;
  try {
    return decodeStatusDetails(raw).errorInfo;
  } catch {
    return undefined;
  }
}

export interface ErrorContext {
  /** `sc://host:port`, for messages. */
  remote: string;
  hasToken: boolean;
}

/** Maps a failed gRPC call to the error a user should see. */
export function toSparkConnectError(error: ServiceError, context: ErrorContext, details?: FetchErrorDetailsResponse): SparkConnectError {
  switch (error.code) {
    case GrpcStatus.UNAVAILABLE:
      return new SparkUnreachableError(context.remote, unreachableDetail(error.details), { cause: error });
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.PERMISSION_DENIED:
      return new SparkAuthError(context.remote, context.hasToken, error.details, { cause: error });
  }
  return sparkErrorOf(error, details);
}

/**
 * grpc-js says `No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:15002.
 * Resolution note: ` when the server is gone: the cause is all a user needs.
 */
function unreachableDetail(details: string): string | undefined {
  if (/ECONNREFUSED/.test(details)) return 'connection refused: the server is not running';
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(details)) return 'no answer from the server';
  if (/ECONNRESET|Connection dropped|Socket closed|RST_STREAM/i.test(details)) return 'the connection was lost';
  return details.replace(/\s*Resolution note:\s*$/, '').trim() || undefined;
}

function sparkErrorOf(error: ServiceError, details: FetchErrorDetailsResponse | undefined): SparkError {
  const info = errorInfoOf(error)?.metadata ?? {};
  const root = details?.errors[details.rootErrorIdx ?? 0];
  const throwable = root?.sparkThrowable;
  const errorClass = throwable?.errorClass ?? info.errorClass;
  const sqlState = throwable?.sqlState ?? info.sqlState;
  const messageParameters = throwable?.messageParameters ?? parseJsonObject(info.messageParameters);
  const serverMessage = root?.message ?? error.details;
  const curated = (errorClass ? describeErrorClass(errorClass, messageParameters, serverMessage) : undefined) ?? describeHdfsWriteFailure(serverMessage);
  return new SparkError(
    {
      message: curated?.message ?? firstLine(stripDecorations(serverMessage)) ?? `Spark request failed (${GrpcStatus[error.code]})`,
      hint: curated?.hint,
      grpcCode: error.code,
      errorClass,
      sqlState,
      messageParameters,
      serverMessage,
      exceptionClass: root?.errorTypeHierarchy[0] ?? parseJsonArray(info.classes)[0],
      fragment: throwable?.queryContexts.find((context) => context.fragment)?.fragment,
      serverStackTrace: root && root.stackTrace.length > 0 ? formatStack(details, root) : info.stackTrace,
    },
    { cause: error },
  );
}

/** Short messages for the errors met most; anything else keeps Spark's first line. */
function describeErrorClass(
  errorClass: string,
  params: Record<string, string>,
  serverMessage: string,
): { message: string; hint?: string } | undefined {
  const base = errorClass.split('.')[0];
  switch (base) {
    case 'TABLE_OR_VIEW_NOT_FOUND':
      return {
        message: `table or view not found: ${params.relationName ?? '?'}`,
        hint: '`SHOW TABLES` and `SHOW VIEWS` list what the session sees',
      };
    case 'UNRESOLVED_COLUMN':
      return {
        message: `column not found: ${params.objectName ?? '?'}`,
        hint: params.proposal ? `did you mean one of ${params.proposal}?` : undefined,
      };
    case 'UNRESOLVED_ROUTINE':
      return { message: `function not found: ${params.routineName ?? '?'}`, hint: 'SHOW FUNCTIONS lists them' };
    case 'PATH_NOT_FOUND':
      return { message: `path does not exist: ${params.path ?? '?'}` };
    case 'PARSE_SYNTAX_ERROR': {
      const sql = /== SQL ==\n([\s\S]*)$/.exec(serverMessage)?.[1]?.trimEnd();
      const snippet = sql?.split('\n').map((line) => `    ${line}`).join('\n');
      return { message: `SQL syntax error at or near ${params.error ?? '?'}${params.hint ?? ''}`, hint: snippet ? `here:\n${snippet}` : undefined };
    }
    case 'TASK_WRITE_FAILED':
      return {
        message: `Spark could not write ${params.path ?? 'its output'}`,
        hint: WRITE_HINT,
      };
    case 'OPERATION_CANCELED':
      return { message: 'the operation was cancelled on the Spark server' };
  }
  return undefined;
}

const WRITE_HINT = 'the file system refused the write (HDFS: no DataNode took the blocks?): check that it is up and has room, then try again';

/**
 * HDFS refusing a file because no DataNode takes its blocks, met by a write that has no error
 * class of its own (a Delta log commit, for one): named by the table it was for.
 */
function describeHdfsWriteFailure(serverMessage: string): { message: string; hint: string } | undefined {
  const file = /File (\S+) could only be written to 0 of the \d+ minReplication nodes/.exec(serverMessage)?.[1];
  if (!file) return undefined;
  return { message: `Spark could not write ${file.replace(/\/_delta_log\/.*$/, '')}`, hint: WRITE_HINT };
}

/** `[ERROR_CLASS] Text. SQLSTATE: 42P01; line 1 pos 14` → `Text.` */
function stripDecorations(message: string): string {
  return message.replace(/^\[[A-Z0-9_.]+\]\s*/, '').replace(/\s*SQLSTATE: \w+.*$/m, '');
}

function firstLine(text: string): string | undefined {
  return text.split('\n').find((line) => line.trim())?.trim();
}

function formatStack(details: FetchErrorDetailsResponse | undefined, root: FetchErrorDetailsResponse['errors'][number]): string {
  const lines: string[] = [];
  for (let error: typeof root | undefined = root, depth = 0; error && depth < 10; depth++) {
    lines.push(`${depth ? 'Caused by: ' : ''}${error.errorTypeHierarchy[0] ?? 'Error'}: ${error.message}`);
    for (const frame of error.stackTrace) {
      lines.push(`    at ${frame.declaringClass}.${frame.methodName}(${frame.fileName ?? 'Unknown'}:${frame.lineNumber})`);
    }
    error = error.causeIdx === undefined ? undefined : details?.errors[error.causeIdx];
  }
  return lines.join('\n');
}

function parseJsonObject(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function parseJsonArray(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}
