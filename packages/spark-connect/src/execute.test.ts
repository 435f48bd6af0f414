import { create } from '@bufbuild/protobuf';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ExecutePlanResponseSchema, PlanSchema, UserContextSchema, type ExecutePlanResponse } from './gen/spark/connect/base_pb.js';
import { SparkInterruptedError } from './errors.js';
import { executePlan, type ExecutionContext, type ReattachEvent } from './execute.js';
import type { Progress } from './progress.js';
import type { SparkRpc } from './rpc.js';

type Step = ExecutePlanResponse | ServiceError | 'hang';

const batch = (id: string) =>
  create(ExecutePlanResponseSchema, { responseId: id, serverSideSessionId: 'srv', responseType: { case: 'arrowBatch', value: { data: new Uint8Array([1]) } } });
const complete = (id: string) => create(ExecutePlanResponseSchema, { responseId: id, responseType: { case: 'resultComplete', value: {} } });
const progress = (id: string, done: number) =>
  create(ExecutePlanResponseSchema, {
    responseId: id,
    responseType: { case: 'executionProgress', value: { stages: [{ stageId: 0n, numTasks: 4n, numCompletedTasks: BigInt(done) }], numInflightTasks: 1n } },
  });

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

/**
 * A server stand-in: each call to ExecutePlan or ReattachExecute plays the next scripted stream.
 * Records every call, so tests can check what the client asked for.
 */
function fakeServer(streams: Step[][]) {
  const calls: { method: string; request: Record<string, unknown> }[] = [];
  const rpc = {
    serverStream(method: string, request: Record<string, unknown>) {
      calls.push({ method, request });
      const steps = streams.shift() ?? [];
      let cancel: (error: ServiceError) => void = () => {};
      const cancelled = new Promise<never>((_, reject) => (cancel = reject));
      cancelled.catch(() => {});
      async function* play() {
        for (const step of steps) {
          if (step === 'hang') await cancelled;
          else if (step instanceof Error) throw step;
          else yield step;
        }
      }
      return { responses: play(), cancel: () => cancel(grpcError(status.CANCELLED, 'Cancelled on client')) };
    },
    async unary(method: string, request: Record<string, unknown>) {
      calls.push({ method, request });
      return {};
    },
  } as unknown as SparkRpc;
  const background: Promise<unknown>[] = [];
  const context: ExecutionContext = {
    rpc,
    retryPolicy: { maxRetries: 2, initialBackoffMs: 1, maxBackoffMs: 1, multiplier: 1 },
    requestBase: () => ({ sessionId: 'session', userContext: create(UserContextSchema, { userId: 'ana' }), clientType: 'test' }),
    observe: () => {},
    toError: async (error) => new Error(`mapped: ${(error as Error).message}`),
    background: (task) => background.push(task),
  };
  return { context, calls, settled: () => Promise.all(background) };
}

const plan = create(PlanSchema, {});

async function drain(iterable: AsyncIterable<ExecutePlanResponse>): Promise<string[]> {
  const ids: string[] = [];
  for await (const response of iterable) ids.push(response.responseId);
  return ids;
}

describe('executePlan', () => {
  it('runs reattachable under its own operation id and releases the operation once complete', async () => {
    const server = fakeServer([[batch('r1'), batch('r2'), complete('r3')]]);
    expect(await drain(executePlan(server.context, plan, { operationId: 'op-1', tags: ['nightly'] }))).toEqual(['r1', 'r2']);
    await server.settled();
    expect(server.calls.map((call) => call.method)).toEqual(['executePlan', 'releaseExecute']);
    expect(server.calls[0]?.request).toMatchObject({
      sessionId: 'session',
      operationId: 'op-1',
      tags: ['nightly'],
      requestOptions: [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }],
    });
    expect(server.calls[1]?.request).toMatchObject({ operationId: 'op-1', release: { case: 'releaseAll' } });
  });

  it('reattaches after the last response when a stream ends before ResultComplete', async () => {
    const server = fakeServer([[batch('r1'), batch('r2')], [batch('r3')], [complete('r4')]]);
    const events: ReattachEvent[] = [];
    const ids = await drain(executePlan(server.context, plan, { operationId: 'op', onReattach: (event) => events.push(event) }));
    expect(ids).toEqual(['r1', 'r2', 'r3']);
    expect(server.calls.slice(0, 3).map((call) => [call.method, call.request.lastResponseId])).toEqual([
      ['executePlan', undefined],
      ['reattachExecute', 'r2'],
      ['reattachExecute', 'r3'],
    ]);
    expect(events.map((event) => event.reason)).toEqual(['stream-ended', 'stream-ended']);
  });

  it('reattaches after a transient failure, and gives up after the retry budget', async () => {
    const unavailable = grpcError(status.UNAVAILABLE, 'connection reset');
    const server = fakeServer([[batch('r1'), unavailable], [batch('r2'), complete('r3')]]);
    const events: ReattachEvent[] = [];
    expect(await drain(executePlan(server.context, plan, { onReattach: (event) => events.push(event) }))).toEqual(['r1', 'r2']);
    expect(events).toMatchObject([{ reason: 'transient-error', lastResponseId: 'r1' }]);

    const failing = fakeServer([[unavailable], [unavailable], [unavailable], [batch('never')]]);
    await expect(drain(executePlan(failing.context, plan))).rejects.toThrow('mapped: connection reset');
    expect(failing.calls.filter((call) => call.method !== 'releaseExecute')).toHaveLength(3);
  });

  it('starts over when the first ExecutePlan never reached the server', async () => {
    const notFound = grpcError(status.INTERNAL, '[INVALID_HANDLE.OPERATION_NOT_FOUND] Operation not found');
    const server = fakeServer([[grpcError(status.UNAVAILABLE, 'reset')], [notFound], [batch('r1'), complete('r2')]]);
    expect(await drain(executePlan(server.context, plan))).toEqual(['r1']);
    expect(server.calls.slice(0, 3).map((call) => call.method)).toEqual(['executePlan', 'reattachExecute', 'executePlan']);
  });

  it('maps a final error and still releases the operation', async () => {
    const server = fakeServer([[batch('r1'), grpcError(status.INTERNAL, 'division by zero')]]);
    await expect(drain(executePlan(server.context, plan))).rejects.toThrow('mapped: division by zero');
    await server.settled();
    expect(server.calls.map((call) => call.method)).toEqual(['executePlan', 'releaseExecute']);
  });

  it('sends progress to onProgress, not to the reader', async () => {
    const server = fakeServer([[progress('p1', 1), batch('r1'), progress('p2', 4), complete('r2')]]);
    const seen: Progress[] = [];
    expect(await drain(executePlan(server.context, plan, { onProgress: (p) => seen.push(p) }))).toEqual(['r1']);
    expect(seen.map((p) => [p.completedTasks, p.totalTasks, p.inflightTasks])).toEqual([
      [1, 4, 1],
      [4, 4, 1],
    ]);
  });

  it('an abort cancels the stream and interrupts the operation on the server', async () => {
    const server = fakeServer([[batch('r1'), 'hang']]);
    const controller = new AbortController();
    const stream = executePlan(server.context, plan, { operationId: 'op-9', signal: controller.signal });
    expect((await stream.next()).value?.responseId).toBe('r1');
    setTimeout(() => controller.abort(), 5);
    await expect(stream.next()).rejects.toBeInstanceOf(SparkInterruptedError);
    expect(server.calls.at(-1)).toMatchObject({ method: 'interrupt', request: { interrupt: { case: 'operationId', value: 'op-9' } } });
  });

  it('stopping early releases (and so ends) the operation', async () => {
    const server = fakeServer([[batch('r1'), batch('r2'), complete('r3')]]);
    for await (const response of executePlan(server.context, plan, { operationId: 'op-2' })) {
      expect(response.responseId).toBe('r1');
      break;
    }
    await server.settled();
    expect(server.calls.at(-1)).toMatchObject({ method: 'releaseExecute', request: { operationId: 'op-2' } });
  });
});
