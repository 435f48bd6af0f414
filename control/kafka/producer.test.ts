import { describe, expect, it, vi } from 'vitest';
import { eventsDue } from './pacing.js';
import { type OutgoingRecord, type PartitionOffsets, type SettledBatch, produceLoop } from './producer.js';

type Numbered = OutgoingRecord & { n: number };

function source(): () => Numbered {
  let n = 0;
  return () => ({ key: 'k', value: Buffer.from(`v${n}`), n: n++ });
}

/** A broker double: acknowledges each batch after `delay(batchNumber)` ms, at offsets following one another. */
function broker(delay: (batch: number) => number, fail?: (batch: number) => boolean) {
  let batches = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let nextOffset = 0;
  const send = async (records: readonly Numbered[]): Promise<PartitionOffsets[]> => {
    const batch = batches++;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, delay(batch)));
    inFlight -= 1;
    if (fail?.(batch)) throw new Error(`batch ${batch} refused`);
    const firstOffset = nextOffset;
    nextOffset += records.length;
    return [{ partition: 0, firstOffset, lastOffset: nextOffset - 1 }];
  };
  return { send, stats: () => ({ batches, maxInFlight }) };
}

describe('produce loop', () => {
  it('sends the total in batches, never more than the in-flight bound, settling in send order', async () => {
    // Later batches are acknowledged sooner than earlier ones.
    const fake = broker((batch) => 20 - (batch % 4) * 5);
    const settled: number[][] = [];
    const result = await produceLoop({
      total: 1_050,
      next: source(),
      send: fake.send,
      batchSize: 100,
      maxInFlightBatches: 3,
      onSettled: (batch) => settled.push(batch.records.map((r) => r.n)),
    });
    expect(result).toMatchObject({ sent: 1_050, acknowledged: 1_050, failed: 0, interrupted: false });
    expect(result.error).toBeUndefined();
    expect(fake.stats()).toEqual({ batches: 11, maxInFlight: 3 });
    expect(settled.flat()).toEqual(Array.from({ length: 1_050 }, (_, i) => i));
    expect(result.offsets).toEqual([{ partition: 0, firstOffset: 0, lastOffset: 1_049, records: 1_050 }]);
    expect(result.acknowledgedBytes).toBeGreaterThan(1_050 * 3);
  });

  it('stops generating at the first failure, still settling what was sent', async () => {
    const fake = broker(() => 5, (batch) => batch === 2);
    const outcomes: boolean[] = [];
    const result = await produceLoop({
      total: 10_000,
      next: source(),
      send: fake.send,
      batchSize: 100,
      maxInFlightBatches: 2,
      onSettled: (batch: SettledBatch<Numbered>) => outcomes.push(batch.ok),
    });
    expect(String(result.error)).toMatch(/batch 2 refused/);
    expect(outcomes.slice(0, 3)).toEqual([true, true, false]);
    expect(result.sent).toBe(outcomes.length * 100);
    expect(result.sent).toBeLessThanOrEqual(400);
    expect(result.failed).toBe(outcomes.filter((ok) => !ok).length * 100);
    expect(result.acknowledged + result.failed).toBe(result.sent);
  });

  it('on abort, stops generating and awaits the batches in flight', async () => {
    const fake = broker(() => 30);
    const interrupt = new AbortController();
    let settled = 0;
    const result = await produceLoop({
      total: 1_000_000,
      next: source(),
      send: fake.send,
      batchSize: 10,
      maxInFlightBatches: 2,
      signal: interrupt.signal,
      // Ctrl-C once the third batch is acknowledged: at most the two batches in flight follow it.
      onSettled: () => {
        if (++settled === 3) interrupt.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.sent).toBeGreaterThanOrEqual(30);
    expect(result.sent).toBeLessThanOrEqual((3 + 2) * 10);
    expect(result.acknowledged).toBe(result.sent);
    expect(settled).toBe(result.sent / 10);
  });

  it('paces a steady flow and reports progress', async () => {
    // On a fake clock (timers and performance.now): the schedule is checked against the time the
    // loop sees, so a loaded machine cannot make it pass or fail.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
    try {
      const fake = broker(() => 1);
      const sends: Array<{ at: number; records: number }> = [];
      const send = (records: readonly Numbered[]) => {
        sends.push({ at: performance.now(), records: records.length });
        return fake.send(records);
      };
      const progress: number[] = [];
      const running = produceLoop({
        total: 120,
        ratePerSecond: 300,
        next: source(),
        send,
        batchSize: 1_000,
        maxInFlightBatches: 1,
        onProgress: (p) => progress.push(p.acknowledged),
        progressIntervalMs: 100,
      });
      await vi.advanceTimersByTimeAsync(1_000);
      const result = await running;
      expect(result.acknowledged).toBe(120);
      // 120 events at 300/s: never ahead of the schedule, sent as they fall due (batched per 50 ms
      // tick), not in one burst, the last ones as soon as they are due at 400 ms.
      let sent = 0;
      for (const { at, records } of sends) {
        sent += records;
        expect(sent, `${sent} sent at ${at} ms`).toBeLessThanOrEqual(eventsDue(300, at, 120));
      }
      expect(sends.length).toBeGreaterThan(4);
      expect(sends.at(-1)!.at).toBeGreaterThanOrEqual(400);
      expect(sends.at(-1)!.at).toBeLessThan(400 + 50 + 1);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(400);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    } finally {
      vi.useRealTimers();
    }
  });
});
