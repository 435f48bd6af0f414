// Whether the topic holds events the landing has not read yet, asked of Kafka directly (a metadata
// request, no Spark). The stream lands in cycles, one available-now query each, and the Spark
// Connect server keeps every query it started, stopped ones included, for an hour (Spark's fixed
// bound, with their share of the driver's heap): a stream that started a landing every few seconds on
// an idle topic filled the driver's heap within the hour. So after a landing that found nothing,
// the next starts only when there is something to land.
import type { LakeConfig } from '../../control/config.js';
import { topicEnds } from '../bronze/kafka-source.js';
import type { PartitionOffsets } from './checkpoint.js';

/**
 * False only when Kafka answers, within a few seconds, that every partition of the topic ends
 * exactly where the landing has read up to (`landedUpTo`: each partition's next offset). Anything
 * else starts a landing, which then tells what is wrong: no answer (the landing waits for Kafka and
 * says so), no such topic (it was deleted: the landing fails with that message), a partition it has
 * not read, offsets that went back (a topic made again: Spark refuses to skip or repeat records).
 */
export async function topicHoldsMore(config: Pick<LakeConfig, 'kafkaBrokers' | 'kafkaTopic'>, landedUpTo: PartitionOffsets): Promise<boolean> {
  const ends = await topicEnds(config, { quick: true }).catch(() => undefined);
  if (!ends) return true;
  return ends.length !== Object.keys(landedUpTo).length || ends.some(({ partition, high }) => high !== landedUpTo[partition]);
}
