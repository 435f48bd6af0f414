// Structured Streaming over Spark Connect: a handle on a running streaming query and the session's
// query manager. Each method is one command to the server (StreamingQueryCommand,
// StreamingQueryManagerCommand); the query itself runs on the server, whether or not the client
// stays connected, until it is stopped, fails, or (with an available-now trigger) has read all.
import type { StreamingQueryCommandResult, StreamingQueryInstanceId, StreamingQueryManagerCommandResult } from './gen/spark/connect/commands_pb.js';
import type { ExecuteOptions } from './execute.js';
import type { CommandInit, CommandResult, Executor } from './executor.js';

/** What streaming needs of a session: running a command. */
type CommandRunner = Pick<Executor, 'executeCommand'>;

export interface StreamingQueryStatus {
  message: string;
  isDataAvailable: boolean;
  isTriggerActive: boolean;
  isActive: boolean;
}

/** One source's part of a trigger's progress (Spark's SourceProgress). */
export interface SourceProgress {
  description: string;
  startOffset: unknown;
  endOffset: unknown;
  latestOffset?: unknown;
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
  metrics?: Record<string, string>;
}

/**
 * The progress of one trigger (micro-batch), as Spark reports it (StreamingQueryProgress's JSON):
 * the fields below, and whatever else the server's version adds.
 */
export interface StreamingQueryProgress {
  id: string;
  runId: string;
  name: string | null;
  /** When the trigger started, ISO-8601. */
  timestamp: string;
  batchId: number;
  batchDuration: number;
  /** Over every source of the trigger (summed from `sources`). */
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
  /** Milliseconds per phase: addBatch, getBatch, latestOffset, queryPlanning, triggerExecution, walCommit. */
  durationMs: Record<string, number>;
  sources: SourceProgress[];
  sink: { description: string; numOutputRows: number; metrics?: Record<string, string> };
  /** The trigger's values of each `df.observe(name, …)` of the query, by name then metric. */
  observedMetrics?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

/** A failed query's error, as the server reports it. */
export interface StreamingQueryFailure {
  message: string;
  errorClass?: string;
  stackTrace?: string;
}

type QueryCommand = Extract<CommandInit['commandType'], { case: 'streamingQueryCommand' }>['value']['command'];
type ManagerCommand = Extract<CommandInit['commandType'], { case: 'streamingQueryManagerCommand' }>['value']['command'];
type QueryResult = StreamingQueryCommandResult['resultType'];
type ManagerResult = StreamingQueryManagerCommandResult['resultType'];

/** The server's answer of type `kind` in a command's responses, or an error saying it is missing. */
function answer(result: CommandResult, kind: 'streamingQueryCommandResult'): StreamingQueryCommandResult;
function answer(result: CommandResult, kind: 'streamingQueryManagerCommandResult'): StreamingQueryManagerCommandResult;
function answer(result: CommandResult, kind: string): unknown {
  const found = result.responses.find((response) => response.responseType.case === kind)?.responseType;
  if (!found) throw new Error(`the server answered without a ${kind}`);
  return found.value;
}

type QueryResultValues = { [K in NonNullable<QueryResult['case']>]: Extract<QueryResult, { case: K }>['value'] };

function expectResult<C extends keyof QueryResultValues>(result: QueryResult, kind: C): QueryResultValues[C] {
  if (result.case !== kind) throw new Error(`the server answered a streaming query's ${kind} with ${result.case ?? 'nothing'}`);
  return result.value as QueryResultValues[C];
}

/**
 * A progress report from its JSON. The totals over the sources are not in the JSON (Spark's
 * StreamingQueryProgress computes them, as PySpark does): they are summed here.
 */
function parseProgress(json: string): StreamingQueryProgress {
  const progress = JSON.parse(json) as StreamingQueryProgress;
  const sources: SourceProgress[] = Array.isArray(progress.sources) ? progress.sources : [];
  const total = (field: 'numInputRows' | 'inputRowsPerSecond' | 'processedRowsPerSecond') => sources.reduce((sum, source) => sum + (Number(source[field]) || 0), 0);
  return {
    ...progress,
    sources,
    observedMetrics: observedMetricsOf(progress.observedMetrics),
    numInputRows: total('numInputRows'),
    inputRowsPerSecond: total('inputRowsPerSecond'),
    processedRowsPerSecond: total('processedRowsPerSecond'),
  };
}

/** A row as Spark writes it into a progress report. */
interface ProgressRow {
  values?: unknown[];
  schema?: { fields?: Array<{ name: string }> };
}

/** Spark reports each observation as a row, `{values: [...], schema: {fields: [...]}}`: made `{metric: value}`. */
function observedMetricsOf(raw: unknown): StreamingQueryProgress['observedMetrics'] {
  if (!raw || typeof raw !== 'object') return undefined;
  return Object.fromEntries(
    Object.entries(raw as Record<string, ProgressRow>).map(([name, row]) => [
      name,
      Object.fromEntries((row.schema?.fields ?? []).map((field, index) => [field.name, row.values?.[index]])),
    ]),
  );
}

/** A streaming query started on the server (`df.writeStream…start()`, or `streams.get(id)`). */
export class StreamingQuery {
  constructor(
    private readonly session: CommandRunner,
    /** Stays the same across restarts from the query's checkpoint. */
    readonly id: string,
    /** New at every start. */
    readonly runId: string,
    readonly name: string | undefined,
  ) {
    Object.freeze(this);
  }

  async status(options: ExecuteOptions = {}): Promise<StreamingQueryStatus> {
    const status = expectResult(await this.command({ case: 'status', value: true }, options), 'status');
    return { message: status.statusMessage, isDataAvailable: status.isDataAvailable, isTriggerActive: status.isTriggerActive, isActive: status.isActive };
  }

  /** Whether the query runs (a stopped, failed or finished query does not). */
  async isActive(options: ExecuteOptions = {}): Promise<boolean> {
    return (await this.status(options)).isActive;
  }

  /** The progress of the last trigger; undefined before the first one ended. */
  async lastProgress(options: ExecuteOptions = {}): Promise<StreamingQueryProgress | undefined> {
    const progress = expectResult(await this.command({ case: 'lastProgress', value: true }, options), 'recentProgress');
    const [last] = progress.recentProgressJson;
    return last === undefined ? undefined : parseProgress(last);
  }

  /** The progress of the last triggers the server keeps (100 by default), oldest first. */
  async recentProgress(options: ExecuteOptions = {}): Promise<StreamingQueryProgress[]> {
    const progress = expectResult(await this.command({ case: 'recentProgress', value: true }, options), 'recentProgress');
    return progress.recentProgressJson.map(parseProgress);
  }

  /**
   * Waits until the query ends: resolves true when it stopped or finished (within `timeoutMs`,
   * if given; false when the time ran out first). A query that failed rejects with its error.
   */
  async awaitTermination(timeoutMs?: number, options: ExecuteOptions = {}): Promise<boolean> {
    // The server wants a positive timeout.
    const timeout = timeoutMs === undefined ? {} : { timeoutMs: BigInt(Math.max(1, Math.round(timeoutMs))) };
    const waited = expectResult(await this.command({ case: 'awaitTermination', value: timeout }, options), 'awaitTermination');
    return waited.terminated;
  }

  /** Waits until everything available in the sources when it is called has been processed (tests, demos). */
  async processAllAvailable(options: ExecuteOptions = {}): Promise<void> {
    await this.command({ case: 'processAllAvailable', value: true }, options);
  }

  /** Stops the query and waits for its current trigger to end. */
  async stop(options: ExecuteOptions = {}): Promise<void> {
    await this.command({ case: 'stop', value: true }, options);
  }

  /** Why the query failed; undefined while it runs, or when it ended without error. */
  async exception(options: ExecuteOptions = {}): Promise<StreamingQueryFailure | undefined> {
    const result = await this.command({ case: 'exception', value: true }, options);
    // The server answers nothing when there is no exception.
    if (result.case === undefined) return undefined;
    const failure = expectResult(result, 'exception');
    if (failure.exceptionMessage === undefined) return undefined;
    return {
      message: failure.exceptionMessage,
      ...(failure.errorClass !== undefined ? { errorClass: failure.errorClass } : {}),
      ...(failure.stackTrace !== undefined ? { stackTrace: failure.stackTrace } : {}),
    };
  }

  /** The query's logical and physical plans. */
  async explain(extended = false, options: ExecuteOptions = {}): Promise<string> {
    return expectResult(await this.command({ case: 'explain', value: { extended } }, options), 'explain').result;
  }

  private async command(command: QueryCommand, options: ExecuteOptions): Promise<QueryResult> {
    const result = await this.session.executeCommand(
      { commandType: { case: 'streamingQueryCommand', value: { queryId: { id: this.id, runId: this.runId }, command } } },
      options,
    );
    return answer(result, 'streamingQueryCommandResult').resultType;
  }
}

/** A query handle from the server's id pair. */
export function streamingQuery(session: CommandRunner, queryId: StreamingQueryInstanceId | undefined, name: string | undefined): StreamingQuery {
  if (!queryId) throw new Error('the server answered without the query id');
  return new StreamingQuery(session, queryId.id, queryId.runId, name === '' ? undefined : name);
}

/** `session.streams`: the streaming queries of the session. */
export class StreamingQueryManager {
  constructor(private readonly session: CommandRunner) {
    Object.freeze(this);
  }

  /** The queries running now. */
  async active(options: ExecuteOptions = {}): Promise<StreamingQuery[]> {
    const result = await this.command({ case: 'active', value: true }, options);
    if (result.case !== 'active') throw new Error(`the server answered active() with ${result.case ?? 'nothing'}`);
    return result.value.activeQueries.map((query) => streamingQuery(this.session, query.id, query.name));
  }

  /** The query with this id (`query.id`), active or recently ended; undefined when the server knows none. */
  async get(id: string, options: ExecuteOptions = {}): Promise<StreamingQuery | undefined> {
    const result = await this.command({ case: 'getQuery', value: id }, options);
    if (result.case === undefined) return undefined;
    if (result.case !== 'query') throw new Error(`the server answered get() with ${result.case}`);
    return streamingQuery(this.session, result.value.id, result.value.name);
  }

  private async command(command: ManagerCommand, options: ExecuteOptions): Promise<ManagerResult> {
    const result = await this.session.executeCommand({ commandType: { case: 'streamingQueryManagerCommand', value: { command } } }, options);
    return answer(result, 'streamingQueryManagerCommandResult').resultType;
  }
}
