// Whether the topic holds events the landing has not read yet, asked of Kafka directly (a metadata
// request, no Spark). The stream lands in cycles, one available-now query each, and the Spark
// Connect server keeps every query it started, stopped ones included, for an hour (Spark's fixed
// bound, about 1.5 MB of driver heap each): a stream that started a landing every few seconds on
// an idle topic filled the driver's heap within the hour. So a landing starts only when there is
// something to land.
import type { LakeConfig } from '../../control/config.js';
import { connectOrExplain, createKafka } from '../../control/kafka/client.js';
import type { PartitionOffsets } from './checkpoint.js';

/** A look at Kafka gives up after this long: then the landing starts, and says if Kafka is away. */
const lookDeadlineMs = 3_000;

/**
 * False only when Kafka answers that every partition of the topic ends exactly where the landing
 * has read up to (`landedUpTo`: each partition's next offset). Anything else starts a landing, which
 * then tells what is wrong: no answer (the landing waits for Kafka and says so), no such topic (it
 * was deleted: the landing fails with that message), a partition it has not read, offsets that went
 * back (a topic made again: Spark refuses to skip or repeat records).
 */
export async function topicHoldsMore(config: Pick<LakeConfig, 'kafkaBrokers' | 'kafkaTopic'>, landedUpTo: PartitionOffsets): Promise<boolean> {
  const admin = createKafka(config, 'lake-stream-look', { retries: 0 }).admin();
  try {
    await connectOrExplain(admin, config.kafkaBrokers, lookDeadlineMs);
  } catch {
    return true;
  }
  try {
    const ends = await admin.fetchTopicOffsets(config.kafkaTopic);
    return ends.length !== Object.keys(landedUpTo).length || ends.some(({ partition, high }) => Number(high) !== landedUpTo[partition]);
  } catch {
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
