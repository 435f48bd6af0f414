// The ad-event topic, created when missing.
import type { Admin, PartitionMetadata } from 'kafkajs';
import { LakeError } from '../errors.js';

/** Partitions of the ad-event topic when the lake creates it. */
export const defaultTopicPartitions = 3;

export interface TopicState {
  created: boolean;
  partitions: PartitionMetadata[];
}

/** kafkajs reports a refused creation as "Topic creation errors", the broker's reasons inside. */
function creationFailure(error: unknown): string {
  const reasons = (error as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(reasons) && reasons.length > 0) return reasons.map((reason) => (reason instanceof Error ? reason.message : String(reason))).join('; ');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes sure `topic` exists, creating it with `partitions` partitions (and the broker's default
 * replication) if not. An existing topic is left as it is, whatever its partition count.
 */
export async function ensureTopic(admin: Admin, topic: string, partitions: number): Promise<TopicState> {
  // Listed first: asking a broker for the metadata of a missing topic may auto-create it with the broker's defaults.
  let created = false;
  if (!(await admin.listTopics()).includes(topic)) {
    try {
      // False (not an error) when someone else created it meanwhile.
      created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    } catch (error) {
      throw new LakeError(`cannot create the Kafka topic ${JSON.stringify(topic)}: ${creationFailure(error)}`, 'check the topic name (LAKE_KAFKA_TOPIC) and the broker log (`npm run lake -- stack logs kafka`)', {
        cause: error,
      });
    }
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return { created, partitions: metadata.topics[0]?.partitions ?? [] };
}
