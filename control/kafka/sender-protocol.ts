// What the main thread of `lake produce` and its producer threads (sender-worker.ts) say to each
// other, and the settings a producer thread starts with.
import type { PartitionOffsets } from './producer.js';

export type Compression = 'none' | 'gzip';
export const compressions: readonly Compression[] = ['none', 'gzip'];

export interface SenderSettings {
  brokers: string[];
  topic: string;
  /** -1: all in-sync replicas, idempotent producer; 1: the leader only, not idempotent (for comparisons). */
  acks: -1 | 1;
  compression: Compression;
}

/**
 * Some records of a batch, all of them for the partitions named: group g holds the next
 * `groups[g].count` records. Their values are one buffer (`ends[i]` is where value i ends), moved
 * to the worker rather than copied.
 */
export interface RecordsToSend {
  type: 'send';
  id: number;
  groups: { partition: number; count: number }[];
  keys: (string | null)[];
  values: ArrayBuffer;
  ends: Uint32Array;
}

export type ToSender = RecordsToSend | { type: 'close' };

export type FromSender =
  | { type: 'ready' }
  | { type: 'unreachable'; message: string; hint?: string }
  | { type: 'sent'; id: number; offsets: PartitionOffsets[] }
  | { type: 'refused'; id: number; message: string }
  | { type: 'closed' };
