// Fault: the Spark Connect server (which hosts the streaming query's driver) is killed (SIGKILL)
// while `lake stream` lands a steady flow of 1 000 events/s. The stream must end with a clear
// error; the producer goes on (Kafka is not affected); after a restart, `lake stream` records what
// the dead query landed, resumes from its checkpoint, and the lake holds every acknowledged event
// exactly once: bronze, silver, quarantine and gold equal the producers' tally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeError } from '../../control/errors.js';
import type { ExpectedAdEvents } from '../../control/kafka/expected.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import { runStream } from '../../jobs/stream.js';
import { expectLakeHoldsWhatWasProduced } from './support/ad-event-truth.js';
import { embeddedStack, killDaemon, restartStack, waitFor } from './support/faults.js';
import { LakeFixture } from './support/lake-fixture.js';

describe.skipIf(!embeddedStack)('the Spark Connect server killed while the stream runs', () => {
  let lake: LakeFixture;
  const produced: ExpectedAdEvents[] = [];

  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'faults-stream', events: 1000, seed: 31 });
    produced.push(lake.produced.expected);
  });

  afterAll(async () => {
    await restartStack();
    await lake?.destroy();
  });

  it('ends with a clear error, and a restarted stream lands every acknowledged event exactly once', async () => {
    let recorded = 0;
    const lines: string[] = [];
    const stream = runStream(lake.config, {
      triggerMs: 1000,
      log: (line) => lines.push(line),
      onCycle: (cycle) => {
        recorded += cycle.bronze?.kafka?.records ?? 0;
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // 20 s at 1 000 events/s; the kill comes once the stream has landed and recorded some of it.
    const flow = produceAdEvents(lake.config, { ratePerSecond: 1000, durationMs: 20_000, partitions: 3, dirtyRate: 0.05, seed: 32 });
    let failure: unknown;
    try {
      await waitFor(() => recorded > lake.produced.expected.bronze_records, 120_000, 'the stream to land part of the flow');
      await killDaemon('spark-connect');
      failure = await stream;
    } finally {
      await restartStack();
    }
    const report = await flow;
    expect(report.expected.exact).toBe(true);
    produced.push(report.expected);

    process.stderr.write(`[faults] the stream ended with: ${String((failure as Error)?.message)} → ${String((failure as LakeError)?.hint)}\n`);
    expect(failure).toBeInstanceOf(LakeError);
    expect((failure as LakeError).message).toMatch(/^the stream stopped: .*cannot reach Spark Connect at sc:\/\/127\.0\.0\.1:15002/);
    expect((failure as LakeError).hint).toMatch(/stack up.*lake stream` again: it records what the stopped query landed and resumes from its checkpoint/);

    const restarted = await runStream(lake.config, { untilIdle: true, log: (line) => lines.push(line) });
    expect(restarted.ended).toBe('idle');
    await expectLakeHoldsWhatWasProduced(lake.config, produced);
  });
});
