// The plan bronze submits to read Kafka, checked without a server.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { SparkSession } from '@lake/spark-connect';
import { hasNewRecords, kafkaBatch, type OffsetPlan } from './kafka-source.js';

// Building a plan needs no connection: a session that is never asked to run anything will do.
const session = Object.create(SparkSession.prototype) as SparkSession;
const config = loadConfig({ KAFKA_BROKERS: 'localhost:9094', LAKE_SPARK_KAFKA_BROKERS: 'kafka:9092' });
const plan: OffsetPlan = { topic: 'ad-events', ranges: { 0: { from: 10, until: 25 }, 1: { from: 0, until: 0 }, 2: { from: 7, until: 9 } }, lost: {} };

describe('the Kafka batch of bronze', () => {
  it('reads between pinned offsets naming every partition, from the brokers as Spark sees them, without waiting at the log\'s end', () => {
    const relation = kafkaBatch(session, config, plan, '20261128T070000Z-abcdef').relation;
    expect(relation.relType.case).toBe('project');
    const project = relation.relType.value as { input: { relType: { case: string; value: { readType: { value: { format: string; options: Record<string, string> } } } } } };
    const read = project.input.relType.value.readType.value;
    expect(read.format).toBe('kafka');
    expect(read.options).toEqual({
      'kafka.bootstrap.servers': 'kafka:9092',
      'kafka.fetch.max.wait.ms': '10',
      subscribe: 'ad-events',
      startingOffsets: JSON.stringify({ 'ad-events': { 0: 10, 1: 0, 2: 7 } }),
      endingOffsets: JSON.stringify({ 'ad-events': { 0: 25, 1: 0, 2: 9 } }),
      failOnDataLoss: 'true',
    });
  });

  it('keeps key and value bytes, topic, partition, offset and timestamp, and tags the batch', () => {
    const relation = kafkaBatch(session, config, plan, '20261128T070000Z-abcdef').relation;
    const expressions = (relation.relType.value as { expressions: { exprType: { case: string; value: unknown } }[] }).expressions;
    const names = expressions.map((e) =>
      e.exprType.case === 'alias' ? (e.exprType.value as { name: string[] }).name[0] : (e.exprType.value as { unparsedIdentifier: string }).unparsedIdentifier,
    );
    expect(names).toEqual(['key', 'value', 'topic', 'partition', 'offset', 'timestamp', 'batch_id']);
  });

  it('knows when there is nothing new', () => {
    expect(hasNewRecords(plan)).toBe(true);
    expect(hasNewRecords({ ...plan, ranges: { 0: { from: 5, until: 5 } } })).toBe(false);
  });
});
