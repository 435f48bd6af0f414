// ExecutePlan as a resilient stream. Every operation is started reattachable under an operation id
// of our own: when the response stream ends before ResultComplete (the server closes streams after
// spark.connect.execute.reattachable.senderMaxStreamDuration/Size) or breaks for a transient reason,
// the client picks up with ReattachExecute after the last response it saw, so no response is lost
// or repeated. Once the result is complete the server's buffered responses are released in the
// background; an abort interrupts the operation on the server.
import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ExecutePlanResponse, Plan, UserContext } from './gen/spark/connect/base_pb.js';
import { InterruptRequest_InterruptType } from './gen/spark/connect/base_pb.js';
import { SparkInterruptedError, errorInfoOf, isServiceError } from './errors.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { backoffMs, isTransient, sleep, type RetryPolicy } from './retry.js';
import type { ServerStream, SparkRpc } from './rpc.js';

export interface ExecuteOptions {
  /** Cancels the operation: the stream stops and the server interrupts the operation. */
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Called each time the client reattaches to the running operation. */
  onReattach?: (event: ReattachEvent) => void;
  /** Operation id to use (a UUID); a fresh one by default. */
  operationId?: string;
  /** Tags that `interruptTag` can later match. */
  tags?: string[];
}

export interface ReattachEvent {
  operationId: string;
  /** Last response received before reattaching; the server resumes right after it. */
  lastResponseId?: string;
  reason: 'stream-ended' | 'transient-error';
}

/** What an execution needs from its session. */
export interface ExecutionContext {
  readonly rpc: SparkRpc;
  readonly retryPolicy: RetryPolicy;
  /** Fields every request of the session carries. */
  requestBase(): {
    sessionId: string;
    userContext: UserContext;
    clientType: string;
    clientObservedServerSideSessionId?: string;
  };
  /** Notes the server-side session id a response carries. */
  observe(serverSideSessionId: string): void;
  /** A failed call as the error to throw (fetching Spark's error details when there are some). */
  toError(error: unknown): Promise<unknown>;
  /** Keeps a fire-and-forget request alive until the session closes. */
  background(task: Promise<unknown>): void;
}

const INTERRUPT_DEADLINE_MS = 5_000;

/**
 * Runs `plan` and yields its responses (result batches, command results, metrics), in order.
 * Progress messages go to `options.onProgress` instead; ResultComplete ends the stream.
 */
export async function* executePlan(context: ExecutionContext, plan: Plan, options: ExecuteOptions = {}): AsyncGenerator<ExecutePlanResponse> {
  const { signal } = options;
  const operationId = options.operationId ?? randomUUID();
  const progress = new ProgressTracker();
  let mode: 'execute' | 'reattach' = 'execute';
  let lastResponseId: string | undefined;
  let failures = 0;
  let complete = false;
  let stream: ServerStream<ExecutePlanResponse> | undefined;
  const onAbort = () => stream?.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    while (!complete) {
      if (signal?.aborted) throw new SparkInterruptedError(operationId, { cause: signal.reason });
      stream = open(context, mode, plan, operationId, lastResponseId, options.tags);
      try {
        for await (const response of stream.responses) {
          failures = 0;
          context.observe(response.serverSideSessionId);
          if (response.responseId) lastResponseId = response.responseId;
          const kind = response.responseType.case;
          if (kind === 'resultComplete') complete = true;
          else if (kind === 'executionProgress') options.onProgress?.(progress.update(response.responseType.value));
          else yield response;
        }
        if (!complete) {
          mode = 'reattach';
          options.onReattach?.({ operationId, lastResponseId, reason: 'stream-ended' });
        }
      } catch (error) {
        if (signal?.aborted) throw new SparkInterruptedError(operationId, { cause: signal.reason });
        // The first ExecutePlan broke before the server saw it: start over rather than reattach.
        if (mode === 'reattach' && lastResponseId === undefined && isOperationNotFound(error)) {
          mode = 'execute';
          continue;
        }
        if (!isTransient(error) || failures >= context.retryPolicy.maxRetries) throw await context.toError(error);
        await sleep(backoffMs(context.retryPolicy, failures++, error), signal);
        mode = 'reattach';
        options.onReattach?.({ operationId, lastResponseId, reason: 'transient-error' });
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream?.cancel();
    if (signal?.aborted) await interrupt(context, operationId);
    // Frees the responses the server keeps for reattaching; on an unfinished operation (the caller
    // stopped reading early, or it failed) this also interrupts it.
    else context.background(release(context, operationId));
  }
}

function open(
  context: ExecutionContext,
  mode: 'execute' | 'reattach',
  plan: Plan,
  operationId: string,
  lastResponseId: string | undefined,
  tags: string[] = [],
): ServerStream<ExecutePlanResponse> {
  const base = context.requestBase();
  if (mode === 'reattach') return context.rpc.serverStream('reattachExecute', { ...base, operationId, lastResponseId });
  return context.rpc.serverStream('executePlan', {
    ...base,
    operationId,
    plan,
    tags,
    requestOptions: [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }],
  });
}

async function interrupt(context: ExecutionContext, operationId: string): Promise<void> {
  try {
    await context.rpc.unary(
      'interrupt',
      { ...context.requestBase(), interruptType: InterruptRequest_InterruptType.OPERATION_ID, interrupt: { case: 'operationId', value: operationId } },
      { deadline: new Date(Date.now() + INTERRUPT_DEADLINE_MS) },
    );
  } catch {
    // Best effort: the server also reaps abandoned operations on its own.
  }
}

async function release(context: ExecutionContext, operationId: string): Promise<void> {
  try {
    await context.rpc.unary('releaseExecute', { ...context.requestBase(), operationId, release: { case: 'releaseAll', value: {} } });
  } catch {
    // Best effort, as above.
  }
}

function isOperationNotFound(error: unknown): boolean {
  if (!isServiceError(error) || error.code === GrpcStatus.UNAVAILABLE) return false;
  const errorClass = errorInfoOf(error)?.metadata.errorClass ?? '';
  return errorClass === 'INVALID_HANDLE.OPERATION_NOT_FOUND' || error.details.includes('INVALID_HANDLE.OPERATION_NOT_FOUND');
}
