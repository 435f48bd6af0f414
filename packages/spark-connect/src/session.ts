// A Spark Connect session: one server-side SparkSession (its temp views, its SQL conf), reached
// over one gRPC channel. Created with SparkSession.connect(), ended with close(). The builders it
// hands out (DataFrame, reader, writers, streams) run what they build through it, as an Executor.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  AnalyzePlanRequest_Explain_ExplainMode,
  InterruptRequest_InterruptType,
  PlanSchema,
  type ConfigRequest_OperationSchema,
  type ExecutePlanResponse,
  type KeyValue,
  type Plan,
} from './gen/spark/connect/base_pb.js';
import type { DataType } from './gen/spark/connect/types_pb.js';
import { parseRemote } from './connection-string.js';
import { Connection, type ConnectOptions } from './connection.js';
import { executePlan, type ExecuteOptions } from './execute.js';
import type { CommandInit, CommandResult, Executor, ExplainMode } from './executor.js';
import type { RequestInit } from './rpc.js';
import { DataFrame } from './plan/dataframe.js';
import { DataFrameReader } from './plan/reader.js';
import { StreamingQueryManager } from './streaming.js';
import type { LiteralValue } from './plan/literals.js';
import * as rel from './plan/relations.js';

const EXPLAIN_MODES: Record<ExplainMode, AnalyzePlanRequest_Explain_ExplainMode> = {
  simple: AnalyzePlanRequest_Explain_ExplainMode.SIMPLE,
  extended: AnalyzePlanRequest_Explain_ExplainMode.EXTENDED,
  codegen: AnalyzePlanRequest_Explain_ExplainMode.CODEGEN,
  cost: AnalyzePlanRequest_Explain_ExplainMode.COST,
  formatted: AnalyzePlanRequest_Explain_ExplainMode.FORMATTED,
};

export class SparkSession implements Executor {
  /** `session.config`: the session's runtime SQL configuration. */
  readonly config: RuntimeConfig;

  private constructor(private readonly connection: Connection) {
    this.config = new RuntimeConfig(async (opType) => (await connection.call('config', { operation: { opType } })).pairs);
  }

  /**
   * Connects to `remote` (`sc://host:port/;token=...`). Fails with SparkUnreachableError within
   * `connectTimeoutMs` when nothing answers there, with InvalidRemoteError when `remote` is malformed.
   */
  static async connect(remote: string, options: ConnectOptions = {}): Promise<SparkSession> {
    return new SparkSession(await Connection.open(parseRemote(remote), options));
  }

  /** The session's id (a UUID): the `session_id` of the address, else a fresh one. */
  get sessionId(): string {
    return this.connection.sessionId;
  }

  /** `sc://host:port`, without secrets. */
  get remote(): string {
    return this.connection.remote;
  }

  /** The server's Spark version, e.g. "4.2.0". */
  async version(): Promise<string> {
    const response = await this.analyze({ analyze: { case: 'sparkVersion', value: {} } });
    return response.result.case === 'sparkVersion' ? response.result.value.version : '';
  }

  /** The schema of `plan`'s result, resolved by the server without running it (see `df.schema()`). */
  async schema(plan: Plan): Promise<DataType> {
    const response = await this.analyze({ analyze: { case: 'schema', value: { plan } } });
    if (response.result.case !== 'schema' || !response.result.value.schema) throw new Error('AnalyzePlan returned no schema');
    return response.result.value.schema;
  }

  /** The server's plans for `plan`, as text (see `df.explain()`). */
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

  /**
   * A SQL query as a DataFrame, lazily: no round trip now; the server parses and analyzes it with
   * the action or view that uses it. `sql()` asks the server first, which analyzes and plans the
   * query once more (for a Delta table, its snapshot too): for a query that is only read, that is
   * a call saved. A command (CREATE, INSERT...) belongs in `sql()`, which runs it now.
   */
  query(query: string, args?: Readonly<Record<string, LiteralValue>> | readonly LiteralValue[]): DataFrame {
    return new DataFrame(this, rel.sqlQuery(query, args));
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

  /** A table or view of the catalog. */
  table(name: string): DataFrame {
    return this.read.table(name);
  }

  /**
   * Executes a plan, streaming its raw responses (the low-level API under DataFrame's actions):
   * reattaches when the stream ends early, releases once complete, interrupts on abort.
   */
  execute(plan: Plan, options: ExecuteOptions = {}): AsyncGenerator<ExecutePlanResponse> {
    this.connection.assertOpen();
    return executePlan(this.connection, plan, options);
  }

  /** Runs a command (the protocol's Command message) to completion: the low-level API under the builders. */
  async executeCommand(command: CommandInit, options: ExecuteOptions = {}): Promise<CommandResult> {
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

  /** Interrupts the operation of this id (`ExecuteOptions.operationId`); resolves to it if it ran. */
  async interruptOperation(operationId: string): Promise<string[]> {
    return this.interrupt({ interruptType: InterruptRequest_InterruptType.OPERATION_ID, interrupt: { case: 'operationId', value: operationId } });
  }

  /** Interrupts the running operations tagged `tag` (`ExecuteOptions.tags`); resolves to their ids. */
  async interruptTag(tag: string): Promise<string[]> {
    return this.interrupt({ interruptType: InterruptRequest_InterruptType.TAG, interrupt: { case: 'operationTag', value: tag } });
  }

  /** Releases the session on the server (its views and state go) and closes the channel. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  private analyze(request: RequestInit<'analyzePlan'>) {
    return this.connection.call('analyzePlan', request);
  }

  private async interrupt(request: RequestInit<'interrupt'>): Promise<string[]> {
    return (await this.connection.call('interrupt', request)).interruptedIds;
  }
}

type ConfigOperation = MessageInitShape<typeof ConfigRequest_OperationSchema>['opType'];

/** `session.config`: the session's runtime SQL configuration (`spark.sql.*` and friends). */
export class RuntimeConfig {
  /** Made by the session; `run` sends one Config operation. */
  constructor(private readonly run: (opType: ConfigOperation) => Promise<KeyValue[]>) {
    Object.freeze(this);
  }

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

  /** Removes the session's value of each key (a key then reads as its default, or undefined). */
  async unset(...keys: string[]): Promise<void> {
    await this.run({ case: 'unset', value: { keys } });
  }

  /** Every set value by full key, optionally only those whose key starts with `prefix`. */
  async getAll(prefix?: string): Promise<Record<string, string>> {
    const pairs = await this.run({ case: 'getAll', value: { prefix } });
    // The server strips the prefix off the keys it returns; put it back.
    return Object.fromEntries(pairs.map((pair) => [`${prefix ?? ''}${pair.key}`, pair.value ?? '']));
  }
}
