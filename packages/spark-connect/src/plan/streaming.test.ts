// The protobuf of streaming reads, writes and query commands, without a server (test/integration/
// spark-streaming.test.ts runs them on Spark).
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ExecutePlanResponseSchema } from '../gen/spark/connect/base_pb.js';
import type { Command } from '../gen/spark/connect/commands_pb.js';
import type { SparkSession } from '../session.js';
import { StreamingQuery, StreamingQueryManager } from '../streaming.js';
import { DataFrame } from './dataframe.js';
import { DataFrameReader } from './reader.js';
import * as rel from './relations.js';

type Answer = Parameters<typeof create<typeof ExecutePlanResponseSchema>>[1];

/** A session stand-in that records the commands it runs and answers each with `answer(command)`. */
function scriptedSession(answer: (command: Command) => Answer = () => ({})) {
  const commands: Command[] = [];
  const session = {
    executeCommand: async (command: Command) => {
      commands.push(command);
      return { responses: [create(ExecutePlanResponseSchema, answer(command))] };
    },
  } as unknown as SparkSession;
  return { session, commands };
}

const queryId = { id: '6d9f0b2e-query', runId: 'run-1' };

describe('readStream', () => {
  it('reads a source or a table as a stream, with the same builder as read', () => {
    const { session } = scriptedSession();
    const reader = new DataFrameReader(session, { streaming: true, options: {} });
    const kafka = reader.format('kafka').option('subscribe', 'ad-events').option('startingOffsets', 'earliest').load();
    expect(reader.isStreaming).toBe(true);
    expect(kafka.relation.relType.case).toBe('read');
    const read = kafka.relation.relType.value as { isStreaming: boolean; readType: { case: string; value: { format: string; options: object } } };
    expect(read.isStreaming).toBe(true);
    expect(read.readType.case).toBe('dataSource');
    expect(read.readType.value).toMatchObject({ format: 'kafka', options: { subscribe: 'ad-events', startingOffsets: 'earliest' } });

    const table = reader.table('bronze_ad_events').relation.relType.value as { isStreaming: boolean; readType: { case: string } };
    expect([table.isStreaming, table.readType.case]).toEqual([true, 'namedTable']);
    const batch = new DataFrameReader(session).load('/x').relation.relType.value as { isStreaming: boolean };
    expect(batch.isStreaming).toBe(false);
  });
});

describe('writeStream', () => {
  it('starts a query with its sink, mode, trigger, checkpoint and name, and returns its handle', async () => {
    const { session, commands } = scriptedSession(() => ({ responseType: { case: 'writeStreamOperationStartResult', value: { queryId, name: 'campaigns' } } }));
    const df = new DataFrame(session, rel.namedTable('events', {}, true));
    const writer = df.writeStream
      .format('delta')
      .outputMode('append')
      .trigger({ processingTime: '2 seconds' })
      .checkpointLocation('hdfs://nn/lake/_checkpoints/x')
      .queryName('campaigns')
      .partitionBy('day');
    expect(Object.isFrozen(writer)).toBe(true);
    const query = await writer.start('hdfs://nn/lake/bronze/ad_events');

    expect(query).toBeInstanceOf(StreamingQuery);
    expect([query.id, query.runId, query.name]).toEqual([queryId.id, queryId.runId, 'campaigns']);
    const [command] = commands;
    expect(command?.commandType.case).toBe('writeStreamOperationStart');
    expect(command?.commandType.value).toMatchObject({
      input: df.relation,
      format: 'delta',
      outputMode: 'append',
      queryName: 'campaigns',
      options: { checkpointLocation: 'hdfs://nn/lake/_checkpoints/x' },
      partitioningColumnNames: ['day'],
      trigger: { case: 'processingTimeInterval', value: '2 seconds' },
      sinkDestination: { case: 'path', value: 'hdfs://nn/lake/bronze/ad_events' },
    });
  });

  it('writes available-now, once and table triggers, and refuses an unknown output mode', async () => {
    const { session, commands } = scriptedSession(() => ({ responseType: { case: 'writeStreamOperationStartResult', value: { queryId, name: '' } } }));
    const df = new DataFrame(session, rel.namedTable('events', {}, true));
    const unnamed = await df.writeStream.trigger({ availableNow: true }).toTable('silver_events');
    await df.writeStream.trigger({ once: true }).start();
    expect(unnamed.name).toBeUndefined();
    expect(commands.map((c) => c.commandType.value)).toMatchObject([
      { trigger: { case: 'availableNow', value: true }, sinkDestination: { case: 'tableName', value: 'silver_events' } },
      { trigger: { case: 'once', value: true }, sinkDestination: { case: undefined } },
    ]);
    expect(() => df.writeStream.outputMode('sometimes' as never)).toThrow(/unknown output mode/);
  });
});

describe('a streaming query', () => {
  it('sends each command with its id pair and reads the answer', async () => {
    // As the server writes it: the totals are only per source.
    const sources = [{ description: 'KafkaV2[Subscribe[ad-events]]', numInputRows: 100, inputRowsPerSecond: 50, processedRowsPerSecond: 125 }, { description: 'rate', numInputRows: 20, inputRowsPerSecond: 10, processedRowsPerSecond: 25 }];
    // An observation as Spark writes it: a row of values with its schema.
    const observedMetrics = { landed: { values: [1796265876065, 7], schema: { type: 'struct', fields: [{ name: 'newest_ms', type: 'long' }, { name: 'n', type: 'long' }] } } };
    const progress = { id: queryId.id, runId: queryId.runId, batchId: 3, durationMs: { triggerExecution: 800 }, sources, observedMetrics };
    const { session, commands } = scriptedSession((command) => {
      const value = command.commandType.value as { command: { case: string } };
      const resultType = {
        status: { case: 'status', value: { statusMessage: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false, isActive: true } },
        lastProgress: { case: 'recentProgress', value: { recentProgressJson: [JSON.stringify(progress)] } },
        recentProgress: { case: 'recentProgress', value: { recentProgressJson: [JSON.stringify({ ...progress, batchId: 2 }), JSON.stringify(progress)] } },
        awaitTermination: { case: 'awaitTermination', value: { terminated: false } },
        exception: { case: 'exception', value: { exceptionMessage: 'boom', errorClass: 'USER_RAISED_EXCEPTION' } },
        stop: { case: undefined },
      }[value.command.case];
      return { responseType: { case: 'streamingQueryCommandResult', value: { queryId, resultType } } } as Answer;
    });
    const query = new StreamingQuery(session, queryId.id, queryId.runId, undefined);

    expect(await query.status()).toEqual({ message: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false, isActive: true });
    expect(await query.lastProgress()).toMatchObject({
      batchId: 3,
      numInputRows: 120,
      inputRowsPerSecond: 60,
      processedRowsPerSecond: 150,
      sources,
      observedMetrics: { landed: { newest_ms: 1796265876065, n: 7 } },
    });
    expect((await query.recentProgress()).map((p) => p.batchId)).toEqual([2, 3]);
    expect(await query.awaitTermination(0)).toBe(false);
    expect(await query.exception()).toEqual({ message: 'boom', errorClass: 'USER_RAISED_EXCEPTION' });
    await query.stop();

    const sent = commands.map((c) => c.commandType.value as { queryId: object; command: { case: string; value: unknown } });
    expect(sent.map((c) => c.queryId)).toEqual(sent.map(() => queryId));
    expect(sent.map((c) => c.command.case)).toEqual(['status', 'lastProgress', 'recentProgress', 'awaitTermination', 'exception', 'stop']);
    // The server refuses a timeout of 0: the smallest it takes is 1 ms.
    expect(sent[3]?.command.value).toEqual({ timeoutMs: 1n });
  });

  it('lists the active queries of the session', async () => {
    const { session, commands } = scriptedSession(() => ({
      responseType: { case: 'streamingQueryManagerCommandResult', value: { resultType: { case: 'active', value: { activeQueries: [{ id: queryId, name: 'a' }, { id: { id: 'q2', runId: 'r2' } }] } } } },
    }));
    const active = await new StreamingQueryManager(session).active();
    expect(active.map((q) => [q.id, q.runId, q.name])).toEqual([[queryId.id, queryId.runId, 'a'], ['q2', 'r2', undefined]]);
    expect(commands[0]?.commandType).toMatchObject({ case: 'streamingQueryManagerCommand', value: { command: { case: 'active', value: true } } });
  });
});
