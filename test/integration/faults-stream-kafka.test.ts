// Fault: the Kafka broker is killed (SIGKILL) while `lake stream` runs, and comes back a while
// later. The stream must not end: it says that it waits for Kafka, says when Kafka answers again,
// and goes on landing where it was. Every acknowledged event, before and after the outage, is in
// the lake exactly once: bronze, silver, quarantine and gold equal the producers' tally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedAdEvents } from '../../control/kafka/expected.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import { runStream, type StreamReport } from '../../jobs/stream.js';
import { expectLakeHoldsWhatWasProduced } from './support/ad-event-truth.js';
import { embeddedStack, killDaemon, restartStack, waitFor } from './support/faults.js';
import { LakeFixture } from './support/lake-fixture.js';

describe.skipIf(!embeddedStack)('the Kafka broker killed while the stream runs', () => {
  let lake: LakeFixture;
  const produced: ExpectedAdEvents[] = [];

  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'faults-stream-kafka', events: 1000, seed: 51 });
    produced.push(lake.produced.expected);
  });

  afterAll(async () => {
    await restartStack();
    await lake?.destroy();
  });

  it('waits for Kafka, says so, and goes on: every acknowledged event lands exactly once', async () => {
    let landed = 0;
    const lines: string[] = [];
    const controller = new AbortController();
    const stream = runStream(lake.config, {
      triggerMs: 1000,
      signal: controller.signal,
      log: (line) => lines.push(line),
      onCycle: (cycle) => {
        landed += cycle.bronze?.kafka?.records ?? 0;
      },
    }).then(
      (report) => report,
      (error: unknown) => error,
    );
    let report: StreamReport | unknown;
    try {
      await waitFor(() => landed >= lake.produced.expected.bronze_records, 180_000, 'the stream to land the first events');
      try {
        await killDaemon('kafka');
        await waitFor(() => lines.some((line) => /^cannot reach Kafka at .*: the landing waits for it/.test(line)), 60_000, 'the stream to say it waits for Kafka');
      } finally {
        await restartStack();
      }
      const after = await produceAdEvents(lake.config, { count: 800, partitions: 3, dirtyRate: 0.05, seed: 52 });
      expect(after.expected.exact).toBe(true);
      produced.push(after.expected);
      const total = produced.reduce((sum, tally) => sum + tally.bronze_records, 0);
      await waitFor(() => landed >= total, 240_000, 'the stream to land the events sent after the outage');
      expect(lines).toContain('Kafka answers again: landing');
    } finally {
      controller.abort();
      report = await stream;
    }
    process.stderr.write(`[faults] the stream's lines around the outage:\n${lines.filter((line) => /Kafka/.test(line)).join('\n')}\n`);
    expect((report as StreamReport).ended).toBe('stopped');

    await expectLakeHoldsWhatWasProduced(lake.config, produced);
  });
});
