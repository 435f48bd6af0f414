// The send loop of a producer run, independent of Kafka and of the CLI: batches of records from a
// source, as fast as the broker takes them or at a steady rate, with at most a few unacknowledged
// batches at a time (so memory stays bounded however slow the broker is), settled in the order sent.
import { eventsDue, msUntilNextDue } from './pacing.js';

export interface OutgoingRecord {
  key: string | null;
  value: Buffer;
}

/** Where the records of a batch landed in one partition, both ends included. */
export interface PartitionOffsets {
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

/** Sends one batch; resolves when the broker acknowledged all of it. */
export type SendBatch<R> = (records: readonly R[]) => Promise<PartitionOffsets[]>;

export type SettledBatch<R> = { records: readonly R[]; latencyMs: number } & (
  | { ok: true; offsets: PartitionOffsets[] }
  | { ok: false; error: unknown }
);

export interface ProduceProgress {
  /** Records handed to the broker. */
  sent: number;
  acknowledged: number;
  failed: number;
  elapsedMs: number;
}

export interface ProduceLoopOptions<R extends OutgoingRecord> {
  /** Records to produce. */
  total: number;
  /** Records per second of a steady flow; absent: as fast as possible. */
  ratePerSecond?: number;
  next: () => R;
  send: SendBatch<R>;
  batchSize: number;
  /** Batches handed over and not yet settled; generation waits beyond it. */
  maxInFlightBatches: number;
  /** Called once per batch, in the order the batches were sent. */
  onSettled?: (batch: SettledBatch<R>) => void;
  onProgress?: (progress: ProduceProgress) => void;
  progressIntervalMs?: number;
  /** Aborting stops generating; batches already sent are still awaited. */
  signal?: AbortSignal;
}

/** The acknowledged records of a run in one partition: their offset span and how many they are. */
export interface PartitionSpan extends PartitionOffsets {
  records: number;
}

export interface ProduceLoopResult extends ProduceProgress {
  /** Stopped by the signal before producing `total`. */
  interrupted: boolean;
  /** The first send failure; generation stops at it. */
  error?: unknown;
  /** Bytes of the acknowledged keys and values, before compression. */
  acknowledgedBytes: number;
  /** Per partition, where the acknowledged records are, sorted by partition. */
  offsets: PartitionSpan[];
}

/** In a steady flow, records due within this time go together in one batch. */
const pacingTickMs = 50;

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function recordBytes(records: readonly OutgoingRecord[]): number {
  return records.reduce((sum, { key, value }) => sum + value.length + (key === null ? 0 : Buffer.byteLength(key)), 0);
}

export async function produceLoop<R extends OutgoingRecord>(options: ProduceLoopOptions<R>): Promise<ProduceLoopResult> {
  const { total, ratePerSecond, next, send, batchSize, maxInFlightBatches, signal } = options;
  const started = performance.now();
  const counts = { sent: 0, acknowledged: 0, failed: 0, acknowledgedBytes: 0 };
  const offsets = new Map<number, PartitionSpan>();
  let error: unknown;
  let failed = false;
  // One promise per unsettled batch, oldest first; each settles after the one before it.
  const unsettled: Promise<void>[] = [];
  let lastSettled = Promise.resolve();

  const progress = (): ProduceProgress => ({
    sent: counts.sent,
    acknowledged: counts.acknowledged,
    failed: counts.failed,
    elapsedMs: performance.now() - started,
  });

  const account = (batch: SettledBatch<R>) => {
    unsettled.shift();
    if (batch.ok) {
      counts.acknowledged += batch.records.length;
      counts.acknowledgedBytes += recordBytes(batch.records);
      for (const written of batch.offsets) {
        const known = offsets.get(written.partition);
        offsets.set(written.partition, {
          partition: written.partition,
          firstOffset: Math.min(known?.firstOffset ?? Infinity, written.firstOffset),
          lastOffset: Math.max(known?.lastOffset ?? -Infinity, written.lastOffset),
          records: (known?.records ?? 0) + written.lastOffset - written.firstOffset + 1,
        });
      }
    } else {
      counts.failed += batch.records.length;
      if (!failed) error = batch.error;
      failed = true;
    }
    options.onSettled?.(batch);
  };

  const dispatch = (records: R[]) => {
    counts.sent += records.length;
    const sentAt = performance.now();
    const outcome = send(records).then(
      (written): SettledBatch<R> => ({ ok: true, offsets: written, records, latencyMs: performance.now() - sentAt }),
      (reason: unknown): SettledBatch<R> => ({ ok: false, error: reason, records, latencyMs: performance.now() - sentAt }),
    );
    lastSettled = lastSettled.then(() => outcome).then(account);
    unsettled.push(lastSettled);
  };

  const timer = options.onProgress ? setInterval(() => options.onProgress?.(progress()), options.progressIntervalMs ?? 1000) : undefined;
  timer?.unref();
  try {
    while (counts.sent < total && !signal?.aborted && !failed) {
      let size = Math.min(batchSize, total - counts.sent);
      if (ratePerSecond !== undefined) {
        const elapsed = performance.now() - started;
        const due = eventsDue(ratePerSecond, elapsed, total) - counts.sent;
        if (due <= 0) {
          await pause(Math.max(msUntilNextDue(ratePerSecond, counts.sent, elapsed), pacingTickMs), signal);
          continue;
        }
        size = Math.min(size, due);
      }
      const records = Array.from({ length: size }, next);
      // Backpressure: the next batch waits for the oldest to settle; if that one failed, or Ctrl-C
      // came meanwhile, this batch is dropped unsent.
      while (unsettled.length >= maxInFlightBatches) await unsettled[0];
      if (failed || signal?.aborted) break;
      dispatch(records);
    }
    await lastSettled;
  } finally {
    clearInterval(timer);
  }

  return {
    ...progress(),
    interrupted: Boolean(signal?.aborted) && counts.sent < total,
    ...(failed ? { error } : {}),
    acknowledgedBytes: counts.acknowledgedBytes,
    offsets: [...offsets.values()].sort((a, b) => a.partition - b.partition),
  };
}
