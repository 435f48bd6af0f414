// One sending thread of `lake produce` (started by sender-pool.ts): an idempotent kafkajs producer
// of its own, sending the records the main thread hands it and answering where they landed.
// kafkajs encodes every record on the thread that sends it, and that encoding, not the broker, is
// what bounds a producer on a small machine: threads of their own let it use every core while the
// main thread generates the next batch.
import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import { parentPort, workerData } from 'node:worker_threads';
import { LakeError } from '../errors.js';
import { connectOrExplain, createKafka } from './client.js';
import type { PartitionOffsets } from './producer.js';
import type { Compression, FromSender, RecordsToSend, SenderSettings, ToSender } from './sender-protocol.js';

/**
 * About a minute of retries for a send, and for the connections under it: kafkajs grows the wait
 * by about 1.5× a retry, so 8 retries gave up after ~15 s, before a restarted broker (~16 s on
 * the embedded stack) was back; 12 wait ~75 s in all.
 */
const producerRetry = { retries: 12, initialRetryTime: 300, maxRetryTime: 30_000 };

const codecs: Record<Compression, CompressionTypes> = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP };

function createProducer(settings: SenderSettings): Producer {
  // The producer rides out a broker that restarts meanwhile: its connections are retried as long
  // as its sends (with the client's quick default, a broker restart failed the run within two
  // seconds, its batch unacknowledged).
  return createKafka({ kafkaBrokers: settings.brokers }, 'lake-produce', producerRetry).producer({
    idempotent: settings.acks === -1,
    // What kafkajs's idempotence was built for (KIP-98's original rule); kafkajs does not enforce it.
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // A failing send is retried for about a minute (the Java client gives up after two), then the run
    // stops. Explicit: through Kafka.producer(), kafkajs's "unlimited retries when idempotent" is 5.
    retry: producerRetry,
  });
}

async function send(producer: Producer, settings: SenderSettings, records: RecordsToSend): Promise<PartitionOffsets[]> {
  const messages = [];
  let index = 0;
  for (const { partition, count } of records.groups) {
    for (const end = index + count; index < end; index++) {
      const start = index === 0 ? 0 : (records.ends[index - 1] ?? 0);
      const value = Buffer.from(records.values, start, (records.ends[index] ?? start) - start);
      messages.push({ key: records.keys[index] ?? null, value, partition });
    }
  }
  const acknowledged = await producer.sendBatch({
    acks: settings.acks,
    compression: codecs[settings.compression],
    topicMessages: [{ topic: settings.topic, messages }],
  });
  const counts = new Map(records.groups.map(({ partition, count }) => [partition, count]));
  return acknowledged.map(({ partition, baseOffset }): PartitionOffsets => {
    const first = Number(baseOffset);
    return { partition, firstOffset: first, lastOffset: first + (counts.get(partition) ?? 1) - 1 };
  });
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('sender-worker.ts runs in a worker thread (control/kafka/sender-pool.ts starts it)');
  const settings = workerData as SenderSettings;
  const reply = (message: FromSender) => port.postMessage(message);
  const producer = createProducer(settings);
  try {
    await connectOrExplain(producer, settings.brokers);
  } catch (error) {
    reply({ type: 'unreachable', message: error instanceof Error ? error.message : String(error), ...(error instanceof LakeError && error.hint ? { hint: error.hint } : {}) });
    port.close();
    return;
  }
  // One request at a time, in the order they came: a partition's records land in that order. After
  // a refusal nothing more is sent, so nothing lands after records that may be missing.
  let work = Promise.resolve();
  let failure: string | undefined;
  port.on('message', (message: ToSender) => {
    work = work.then(async () => {
      if (message.type === 'close') {
        await producer.disconnect().catch(() => undefined);
        reply({ type: 'closed' });
        port.close();
      } else if (failure !== undefined) {
        reply({ type: 'refused', id: message.id, message: `not sent after an earlier batch failed (${failure})` });
      } else {
        try {
          reply({ type: 'sent', id: message.id, offsets: await send(producer, settings, message) });
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
          reply({ type: 'refused', id: message.id, message: failure });
        }
      }
    });
  });
  reply({ type: 'ready' });
}

await serve();
