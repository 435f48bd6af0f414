// The sending side of `lake produce`: a few threads, each an idempotent producer of its own
// (sender-worker.ts), that each batch is shared out between. Each record's partition is chosen
// here, with kafkajs's default partitioner (murmur2 of the key, as the Java client does), and a
// partition is always sent by the same thread. A thread sends its requests one at a time, in the
// order it got them, so a partition's records land in the order they were generated, while the
// other threads encode their share of the next batches: several batches can be in flight.
import type { PartitionMetadata } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Worker } from 'node:worker_threads';
import { LakeError } from '../errors.js';
import { moduleWorker } from '../module-worker.js';
import type { OutgoingRecord, PartitionOffsets, SendBatch } from './producer.js';
import type { FromSender, RecordsToSend, SenderSettings, ToSender } from './sender-protocol.js';

export interface SenderPoolOptions extends SenderSettings {
  partitions: readonly PartitionMetadata[];
  /** Threads sending side by side. */
  senders: number;
}

export interface SenderPool {
  /** Sends one batch; resolves when the broker acknowledged all of it. */
  send: SendBatch<OutgoingRecord>;
  /** Disconnects every producer and ends the threads. */
  close(): Promise<void>;
}

/** How long a producer may take to disconnect before its thread is stopped anyway. */
const closeTimeoutMs = 10_000;

interface Sender {
  worker: Worker;
  waiting: Map<number, { resolve: (offsets: PartitionOffsets[]) => void; reject: (error: Error) => void }>;
  closed: Promise<void>;
}

/**
 * Which thread sends which partition: fixed once a partition was seen, so that a partition's
 * records go out in order. A partition goes to the thread with the fewest records so far, the
 * biggest groups of a batch first.
 */
export class PartitionOwners {
  private readonly owners = new Map<number, number>();
  private readonly loads: number[];

  constructor(senders: number) {
    this.loads = new Array<number>(senders).fill(0);
  }

  /** Each group's thread; groups are a batch's records by partition. */
  assign(groups: ReadonlyMap<number, { length: number }>): Map<number, number> {
    const bySize = [...groups.entries()].sort(([pa, a], [pb, b]) => b.length - a.length || pa - pb);
    for (const [partition, { length }] of bySize) {
      let owner = this.owners.get(partition);
      if (owner === undefined) {
        owner = this.loads.indexOf(Math.min(...this.loads));
        this.owners.set(partition, owner);
      }
      this.loads[owner] = (this.loads[owner] ?? 0) + length;
    }
    return new Map([...groups.keys()].map((partition) => [partition, this.owners.get(partition) ?? 0]));
  }
}

/** One message for a thread: the groups' keys, and their values copied once into a buffer of their own. */
function recordsToSend(id: number, groups: readonly { partition: number; records: readonly OutgoingRecord[] }[]): RecordsToSend {
  const records = groups.flatMap((group) => group.records);
  const values = Buffer.allocUnsafeSlow(records.reduce((sum, record) => sum + record.value.length, 0));
  const ends = new Uint32Array(records.length);
  let end = 0;
  records.forEach((record, i) => {
    end += record.value.copy(values, end);
    ends[i] = end;
  });
  return {
    type: 'send',
    id,
    groups: groups.map(({ partition, records: group }) => ({ partition, count: group.length })),
    keys: records.map((record) => record.key),
    values: values.buffer as ArrayBuffer,
    ends,
  };
}

function startSender(settings: SenderSettings): Promise<Sender> {
  return new Promise((resolve, reject) => {
    const worker = moduleWorker(import.meta.url, 'sender-worker', { workerData: settings });
    const waiting: Sender['waiting'] = new Map();
    let ready = false;
    let closedResolve: () => void = () => undefined;
    const closed = new Promise<void>((done) => (closedResolve = done));
    const failAll = (error: Error) => {
      for (const { reject: refuse } of waiting.values()) refuse(error);
      waiting.clear();
    };
    worker.on('message', (message: FromSender) => {
      if (message.type === 'ready') {
        ready = true;
        resolve({ worker, waiting, closed });
      } else if (message.type === 'unreachable') {
        reject(new LakeError(message.message, message.hint));
      } else if (message.type === 'closed') {
        closedResolve();
      } else {
        const waiter = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.type === 'sent') waiter?.resolve(message.offsets);
        else waiter?.reject(new Error(message.message));
      }
    });
    worker.on('error', (error) => {
      if (!ready) reject(error);
      failAll(new Error(`a producer thread failed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      closedResolve();
      if (!ready) reject(new Error(`a producer thread ended before connecting (exit code ${code})`));
      failAll(new Error(`a producer thread ended with batches unacknowledged (exit code ${code})`));
    });
  });
}

export async function startSenderPool(options: SenderPoolOptions): Promise<SenderPool> {
  const partitionMetadata = [...options.partitions];
  if (partitionMetadata.length === 0) throw new Error(`no partition metadata for topic ${options.topic}`);
  const { brokers, topic, acks, compression } = options;
  const started = await Promise.allSettled(Array.from({ length: options.senders }, () => startSender({ brokers, topic, acks, compression })));
  const senders = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const close = async () => {
    await Promise.all(
      senders.map(async ({ worker, closed }) => {
        worker.postMessage({ type: 'close' } satisfies ToSender);
        const timer = setTimeout(() => void worker.terminate(), closeTimeoutMs);
        await closed;
        clearTimeout(timer);
        await worker.terminate();
      }),
    );
  };
  const failure = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await close();
    throw failure.reason;
  }

  const partitioner = Partitioners.DefaultPartitioner();
  // A key always maps to the same partition; hashing each of a dozen keys once spares a murmur2 per record.
  const partitionOfKey = new Map<string, number>();
  const partitionOf = ({ key, value }: OutgoingRecord): number => {
    const known = key === null ? undefined : partitionOfKey.get(key);
    if (known !== undefined) return known;
    const partition = partitioner({ topic, partitionMetadata, message: { key, value } });
    if (key !== null) partitionOfKey.set(key, partition);
    return partition;
  };

  const owners = new PartitionOwners(senders.length);
  let nextId = 0;
  const send: SendBatch<OutgoingRecord> = async (records) => {
    const groups = new Map<number, OutgoingRecord[]>();
    for (const record of records) {
      const partition = partitionOf(record);
      const group = groups.get(partition);
      if (group) group.push(record);
      else groups.set(partition, [record]);
    }
    const ownerOf = owners.assign(groups);
    const sent = senders.flatMap((sender, i) => {
      const share = [...groups.entries()].filter(([partition]) => ownerOf.get(partition) === i).map(([partition, group]) => ({ partition, records: group }));
      if (share.length === 0) return [];
      const message = recordsToSend(nextId++, share);
      return [
        new Promise<PartitionOffsets[]>((resolve, reject) => {
          sender.waiting.set(message.id, { resolve, reject });
          sender.worker.postMessage(message satisfies ToSender, [message.values, message.ends.buffer as ArrayBuffer]);
        }),
      ];
    });
    // The batch settles once each of its shares did: a failed batch has none of its records in flight.
    const outcomes = await Promise.allSettled(sent);
    const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (refused) throw refused.reason;
    return outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
  };
  return { send, close };
}
