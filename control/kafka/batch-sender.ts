// Sends a batch of records to one topic with kafkajs, and says at which offsets they landed.
import { type CompressionTypes, type PartitionMetadata, Partitioners, type Producer } from 'kafkajs';
import type { OutgoingRecord, PartitionOffsets, SendBatch } from './producer.js';

export interface BatchSenderOptions {
  topic: string;
  partitions: readonly PartitionMetadata[];
  /** -1: all in-sync replicas (required by an idempotent producer); 1: the leader only. */
  acks: -1 | 1;
  compression: CompressionTypes;
}

/**
 * Each record's partition is chosen here, with the producer's own default partitioner (murmur2 of
 * the key, as the Java client does): knowing how many records of a batch went to each partition is
 * what turns the broker's base offsets into offset ranges.
 */
export function batchSender(producer: Producer, options: BatchSenderOptions): SendBatch<OutgoingRecord> {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = [...options.partitions];
  if (partitionMetadata.length === 0) throw new Error(`no partition metadata for topic ${options.topic}`);

  // A key always maps to the same partition; hashing each of a dozen keys once spares a murmur2 per record.
  const partitionOfKey = new Map<string, number>();
  const partitionOf = (key: string | null, value: Buffer): number => {
    const known = key === null ? undefined : partitionOfKey.get(key);
    if (known !== undefined) return known;
    const partition = partitioner({ topic: options.topic, partitionMetadata, message: { key, value } });
    if (key !== null) partitionOfKey.set(key, partition);
    return partition;
  };

  return async (records) => {
    const messages = records.map(({ key, value }) => ({ key, value, partition: partitionOf(key, value) }));
    const counts = new Map<number, number>();
    for (const { partition } of messages) counts.set(partition, (counts.get(partition) ?? 0) + 1);

    const acknowledged = await producer.sendBatch({
      acks: options.acks,
      compression: options.compression,
      topicMessages: [{ topic: options.topic, messages }],
    });
    return acknowledged.map(({ partition, baseOffset }): PartitionOffsets => {
      const first = Number(baseOffset);
      return { partition, firstOffset: first, lastOffset: first + (counts.get(partition) ?? 1) - 1 };
    });
  };
}
