// A Spark Connect session: one server-side SparkSession (its temp views, its SQL conf), reached
// over one gRPC channel. Created with SparkSession.connect(), ended with close().
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Interceptor } from '@grpc/grpc-js';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { repoRoot } from '../config.js';
import {
  AnalyzePlanRequest_Explain_ExplainMode,
  InterruptRequest_InterruptType,
  PlanSchema,
  UserContextSchema,
  type ConfigRequest_OperationSchema,
  type ExecutePlanResponse,
  type Plan,
  type UserContext,
} from './gen/spark/connect/base_pb.js';
import type { CommandSchema } from './gen/spark/connect/commands_pb.js';
import type { Relation } from './gen/spark/connect/relations_pb.js';
import type { DataType } from './gen/spark/connect/types_pb.js';
import { describeRemote, parseRemote, type RemoteSpec } from './connection-string.js';
import { SparkUnreachableError, errorInfoOf, isServiceError, toLakeError } from './errors.js';
import { executePlan, type ExecuteOptions, type ExecutionContext } from './execute.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import { SparkRpc, type RequestInit, type Response, type UnaryMethod } from './rpc.js';
import { DataFrame } from './plan/dataframe.js';
import { DataFrameReader } from './plan/reader.js';
import { StreamingQueryManager } from './streaming.js';
import type { LiteralValue } from './plan/literals.js';
import * as rel from './plan/relations.js';

export interface ConnectOptions {
  /** User the server attributes the session to; else `user_id` of the address, else the OS user. */
  userId?: string;
  /** How long to wait for the channel to connect (default 5 s). */
  connectTimeoutMs?: number;
  retryPolicy?: Partial<RetryPolicy>;
  /** grpc-js client interceptors, e.g. for tracing (or, in tests, for breaking streams). */
  interceptors?: Interceptor[];
}

export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

export interface CommandResult {
  /** For SQL: the relation the statement stands for (its rows, for a command already run). */
  relation?: Relation;
  responses: ExecutePlanResponse[];
}

const EXPLAIN_MODES: Record<ExplainMode, AnalyzePlanRequest_Explain_ExplainMode> = {
  simple: AnalyzePlanRequest_Explain_ExplainMode.SIMPLE,
  extended: AnalyzePlanRequest_Explain_ExplainMode.EXTENDED,
  codegen: AnalyzePlanRequest_Explain_ExplainMode.CODEGEN,
  cost: AnalyzePlanRequest_Explain_ExplainMode.COST,
  formatted: AnalyzePlanRequest_Explain_ExplainMode.FORMATTED,
};

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
// For calls around the real work (error details, session release): never worth a long wait.
const HOUSEKEEPING_DEADLINE_MS = 5_000;

const CLIENT_VERSION = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

export class SparkSession implements ExecutionContext {
  readonly sessionId: string;
  /** `sc://host:port`, without secrets. */
  readonly remote: string;
  readonly retryPolicy: RetryPolicy;
  readonly config = new RuntimeConfig(this);
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
    this.clientType = [spec.userAgent, `lake/${CLIENT_VERSION}`].filter(Boolean).join(' ');
  }

  /**
   * Connects to `remote` (`sc://host:port/;token=...`). Fails with SparkUnreachableError within
   * `connectTimeoutMs` when nothing answers there.
   */
  static async connect(remote: string, options: ConnectOptions = {}): Promise<SparkSession> {
    const spec = parseRemote(remote);
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
    return new SparkSession(rpc, spec, options);
  }

  /** The server's Spark version, e.g. "4.2.0". */
  async version(): Promise<string> {
    const response = await this.analyze({ analyze: { case: 'sparkVersion', value: {} } });
    return response.result.case === 'sparkVersion' ? response.result.value.version : '';
  }

  /** The schema of `plan`'s result, resolved by the server without running it. */
  async schema(plan: Plan): Promise<DataType> {
    const response = await this.analyze({ analyze: { case: 'schema', value: { plan } } });
    if (response.result.case !== 'schema' || !response.result.value.schema) throw new Error('AnalyzePlan returned no schema');
    return response.result.value.schema;
  }

  async explain(plan: Plan, mode: ExplainMode = 'simple'): Promise<string> {
    const response = await this.analyze({ analyze: { case: 'explain', value: { plan, explainMode: EXPLAIN_MODES[mode] } } });
    return response.result.case === 'explain' ? response.result.value.explainString : '';
  }

  /**
   * Runs a SQL statement, eagerly as Spark does: a command (CREATE, INSERT, SET...) runs now; a
   * query comes back as a DataFrame to read or transform. `args` fill `:name` (object) or `?`
   * (array) parameters as literals, never by splicing text.
   */
  async sql(query: string, args?: Readonly<Record<string, LiteralValue>> | readonly LiteralValue[], options: ExecuteOptions = {}): Promise<DataFrame> {
    const input = rel.sqlQuery(query, args);
    const result = await this.executeCommand({ commandType: { case: 'sqlCommand', value: { input } } }, options);
    return new DataFrame(this, result.relation ?? input);
  }

  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /** The same builder as `read`, whose DataFrames are streams: write them with `df.writeStream`. */
  get readStream(): DataFrameReader {
    return new DataFrameReader(this, { streaming: true, options: {} });
  }

  /** The streaming queries of this session: `active()`, `get(id)`. */
  get streams(): StreamingQueryManager {
    return new StreamingQueryManager(this);
  }

  /** A single `id` BIGINT column from `start` (inclusive) to `end` (exclusive). */
  range(start: number | bigint, end: number | bigint, step: number | bigint = 1, numPartitions?: number): DataFrame {
    return new DataFrame(this, rel.range(BigInt(start), BigInt(end), BigInt(step), numPartitions));
  }

  table(name: string): DataFrame {
    return this.read.table(name);
  }

  /** Executes a plan, streaming its responses (see execute.ts for reattach and abort). */
  execute(plan: Plan, options: ExecuteOptions = {}): AsyncGenerator<ExecutePlanResponse> {
    this.assertOpen();
    return executePlan(this, plan, options);
  }

  /** Runs a command to completion. */
  async executeCommand(command: MessageInitShape<typeof CommandSchema>, options: ExecuteOptions = {}): Promise<CommandResult> {
    const plan = create(PlanSchema, { opType: { case: 'command', value: command } });
    const result: CommandResult = { responses: [] };
    for await (const response of this.execute(plan, options)) {
      result.responses.push(response);
      if (response.responseType.case === 'sqlCommandResult') result.relation = response.responseType.value.relation;
    }
    return result;
  }

  /** Interrupts every running operation of the session; resolves to their operation ids. */
  async interruptAll(): Promise<string[]> {
    return this.interrupt({ interruptType: InterruptRequest_InterruptType.ALL });
  }

  async interruptOperation(operationId: string): Promise<string[]> {
    return this.interrupt({ interruptType: InterruptRequest_InterruptType.OPERATION_ID, interrupt: { case: 'operationId', value: operationId } });
  }

  async interruptTag(tag: string): Promise<string[]> {
    return this.interrupt({ interruptType: InterruptRequest_InterruptType.TAG, interrupt: { case: 'operationTag', value: tag } });
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

  // ---- ExecutionContext ----

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
        details = await this.rpc.unary(
          'fetchErrorDetails',
          { ...this.requestBase(), errorId },
          { deadline: new Date(Date.now() + HOUSEKEEPING_DEADLINE_MS) },
        );
      } catch {
        // The ErrorInfo alone still makes a good error.
      }
    }
    return toLakeError(error, { remote: this.remote, hasToken: this.spec.token !== undefined }, details);
  }

  background(task: Promise<unknown>): void {
    const tracked = task.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  // ---- unary calls ----

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

  private analyze(request: RequestInit<'analyzePlan'>) {
    return this.call('analyzePlan', request);
  }

  private async interrupt(request: RequestInit<'interrupt'>): Promise<string[]> {
    return (await this.call('interrupt', request)).interruptedIds;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('this SparkSession is closed');
  }
}

/** `session.config`: the session's runtime SQL configuration (`spark.sql.*` and friends). */
export class RuntimeConfig {
  constructor(private readonly session: SparkSession) {}

  /** The value of `key`, or undefined when it has none. */
  async get(key: string): Promise<string | undefined> {
    const [pair] = await this.run({ case: 'getOption', value: { keys: [key] } });
    return pair?.value;
  }

  async set(key: string, value: string | number | boolean): Promise<void>;
  async set(values: Readonly<Record<string, string | number | boolean>>): Promise<void>;
  async set(keyOrValues: string | Readonly<Record<string, string | number | boolean>>, value?: string | number | boolean): Promise<void> {
    const values = typeof keyOrValues === 'string' ? { [keyOrValues]: value as string | number | boolean } : keyOrValues;
    await this.run({ case: 'set', value: { pairs: Object.entries(values).map(([key, v]) => ({ key, value: String(v) })) } });
  }

  async unset(...keys: string[]): Promise<void> {
    await this.run({ case: 'unset', value: { keys } });
  }

  /** Every set value by full key, optionally only those whose key starts with `prefix`. */
  async getAll(prefix?: string): Promise<Record<string, string>> {
    const pairs = await this.run({ case: 'getAll', value: { prefix } });
    // The server strips the prefix off the keys it returns; put it back.
    return Object.fromEntries(pairs.map((pair) => [`${prefix ?? ''}${pair.key}`, pair.value ?? '']));
  }

  private async run(opType: MessageInitShape<typeof ConfigRequest_OperationSchema>['opType']) {
    return (await this.session.call('config', { operation: { opType } })).pairs;
  }
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'lake';
  }
}
