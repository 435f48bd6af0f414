// The plumbing of a session, kept off its public API: the gRPC channel, the fields every request
// carries (session id, user, client type, the server-side session id last seen), retries of unary
// calls, the mapping of failed calls to this library's errors, and fire-and-forget requests that
// must finish before the session is released.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Interceptor } from '@grpc/grpc-js';
import { create } from '@bufbuild/protobuf';
import { UserContextSchema, type UserContext } from './gen/spark/connect/base_pb.js';
import { describeRemote, type RemoteSpec } from './connection-string.js';
import { SparkUnreachableError, errorInfoOf, isServiceError, toSparkConnectError } from './errors.js';
import type { ExecutionContext } from './execute.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import { SparkRpc, type RequestInit, type Response, type UnaryMethod } from './rpc.js';

export interface ConnectOptions {
  /** User the server attributes the session to; else `user_id` of the address, else the OS user. */
  userId?: string;
  /** How long to wait for the channel to connect (default 5 s). */
  connectTimeoutMs?: number;
  retryPolicy?: Partial<RetryPolicy>;
  /** grpc-js client interceptors, e.g. for tracing (or, in tests, for breaking streams). */
  interceptors?: Interceptor[];
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
// For calls around the real work (error details, session release): never worth a long wait.
const HOUSEKEEPING_DEADLINE_MS = 5_000;

const PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export class Connection implements ExecutionContext {
  readonly sessionId: string;
  /** `sc://host:port`, without secrets. */
  readonly remote: string;
  readonly retryPolicy: RetryPolicy;
  private readonly userContext: UserContext;
  private readonly clientType: string;
  private serverSideSessionId: string | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    readonly rpc: SparkRpc,
    private readonly spec: RemoteSpec,
    options: ConnectOptions,
  ) {
    this.sessionId = spec.sessionId ?? randomUUID();
    this.remote = describeRemote(spec);
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy };
    this.userContext = create(UserContextSchema, { userId: options.userId ?? spec.userId ?? osUser() });
    this.clientType = [spec.userAgent, `${PACKAGE.name}/${PACKAGE.version}`].filter(Boolean).join(' ');
  }

  /** Opens the channel; fails with SparkUnreachableError within `connectTimeoutMs` when nothing answers. */
  static async open(spec: RemoteSpec, options: ConnectOptions): Promise<Connection> {
    const rpc = new SparkRpc(spec, { interceptors: options.interceptors });
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    try {
      await rpc.waitUntilConnected(new Date(Date.now() + timeoutMs));
    } catch (error) {
      rpc.close();
      const timedOut = error instanceof Error && error.message.includes('deadline');
      throw new SparkUnreachableError(describeRemote(spec), timedOut ? `no answer within ${timeoutMs / 1000} s` : 'connection refused', {
        cause: error,
      });
    }
    return new Connection(rpc, spec, options);
  }

  requestBase() {
    return {
      sessionId: this.sessionId,
      userContext: this.userContext,
      clientType: this.clientType,
      clientObservedServerSideSessionId: this.serverSideSessionId,
    };
  }

  observe(serverSideSessionId: string): void {
    if (serverSideSessionId) this.serverSideSessionId = serverSideSessionId;
  }

  async toError(error: unknown): Promise<unknown> {
    if (!isServiceError(error)) return error;
    const errorId = errorInfoOf(error)?.metadata.errorId;
    let details;
    if (errorId) {
      try {
        details = await this.rpc.unary('fetchErrorDetails', { ...this.requestBase(), errorId }, { deadline: new Date(Date.now() + HOUSEKEEPING_DEADLINE_MS) });
      } catch {
        // The ErrorInfo alone still makes a good error.
      }
    }
    return toSparkConnectError(error, { remote: this.remote, hasToken: this.spec.token !== undefined }, details);
  }

  background(task: Promise<unknown>): void {
    const tracked = task.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** A unary call with the session's fields filled in, retried while the failure is transient. */
  async call<K extends UnaryMethod>(method: K, request: RequestInit<K>, signal?: AbortSignal): Promise<Response<K>> {
    this.assertOpen();
    try {
      const response = await withRetry(() => this.rpc.unary(method, { ...this.requestBase(), ...request } as RequestInit<K>, { signal }), this.retryPolicy, signal);
      this.observe((response as { serverSideSessionId?: string }).serverSideSessionId ?? '');
      return response;
    } catch (error) {
      throw await this.toError(error);
    }
  }

  assertOpen(): void {
    if (this.closed) throw new Error('this SparkSession is closed');
  }

  /** Releases the session on the server (its views and state go) and closes the channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.pending);
    try {
      await this.rpc.unary(
        'releaseSession',
        { sessionId: this.sessionId, userContext: this.userContext, clientType: this.clientType },
        { deadline: new Date(Date.now() + HOUSEKEEPING_DEADLINE_MS) },
      );
    } catch {
      // The server drops idle sessions by itself; closing must not fail because it is gone.
    } finally {
      this.rpc.close();
    }
  }
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'spark-connect';
  }
}
