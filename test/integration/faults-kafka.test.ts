// Fault: the Kafka broker is killed (SIGKILL) and restarted while the producer runs. The idempotent
// producer retries through the outage: every event acknowledged to the user lands in silver exactly
// once, and no event is written twice to the topic.
import { publishedTableSql } from '../../control/runs/published.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceAdEvents, type ProduceAdEventsReport } from '../../control/kafka/produce-ad-events.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { runSilver } from '../../jobs/silver.js';
import { embeddedStack, killDaemon, restartStack } from './support/faults.js';
import { LakeFixture } from './support/lake-fixture.js';

describe.skipIf(!embeddedStack)('the Kafka broker restarted while the producer runs', () => {
  let lake: LakeFixture;

  beforeAll(async () => {
    // A topic of its own, empty: every event in it comes from the run under test.
    lake = await LakeFixture.create({ name: 'faults-kafka', events: 0 });
  });

  afterAll(async () => {
    await restartStack();
    await lake?.destroy();
  });

  it('loses no acknowledged event and duplicates none', async () => {
    const acknowledged: string[] = [];
    let unacknowledged = 0;
    let killing: Promise<number> | undefined;
    let restarting: Promise<number> | undefined;
    let report: ProduceAdEventsReport | undefined;
    const started = Date.now();
    try {
      report = await produceAdEvents(lake.config, {
        count: 60_000,
        partitions: 3,
        // Clean events: the generator's own redeliveries would hide a duplicate made by the producer.
        dirtyRate: 0,
        seed: 11,
        batchSize: 1000,
        onBatch: (batch) => {
          if (batch.ok) for (const record of batch.records) acknowledged.push((JSON.parse(record.value.toString()) as { event_id: string }).event_id);
          else unacknowledged += batch.records.length;
          // After 5 000 acknowledged events: the broker dies, and is started again at once.
          if (acknowledged.length >= 5000 && !killing) {
            killing = killDaemon('kafka');
            restarting = killing.then(() => restartStack());
          }
        },
      });
    } finally {
      await killing?.catch(() => undefined);
      if (!restarting) await restartStack();
    }
    const restartMs = await restarting;
    process.stderr.write(
      `[faults] producer: ${report.acknowledged} acknowledged, ${report.failed} failed in ${Date.now() - started} ms; broker back in ${restartMs} ms; error: ${String(report.error ?? 'none')}\n`,
    );
    expect(killing).toBeDefined();
    // The producer rode out the restart: nothing failed, everything was acknowledged.
    expect(report.error).toBeUndefined();
    expect(report.acknowledged).toBe(60_000);
    expect(acknowledged.length).toBe(report.acknowledged);
    expect(unacknowledged).toBe(report.failed);
    expect(report.expected.silver_rows).toBe(report.acknowledged);

    const bronze = await runBronze(lake.config, { tables: ['ad_events'] });
    const silver = await runSilver(lake.config);
    expect(silver.silver?.ad_events?.reasons).toEqual({});
    const session = await SparkSession.connect(lake.config.sparkRemote);
    try {
      const events = await (
        await session.sql(`SELECT event_id FROM ${publishedTableSql(lake.config, silver.published!, 'ad_events')}`)
      ).collect<{ event_id: string }>();
      const inSilver = new Set(events.map((row) => row.event_id));
      // Exactly once: in silver, and written once to the topic (silver's deduplication found nothing to drop).
      expect(acknowledged.filter((id) => !inSilver.has(id))).toEqual([]);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
      expect(bronze.kafka?.records).toBe(events.length);
      // Events of a batch that failed may or may not be in the topic; none beyond what was sent.
      expect(events.length).toBeGreaterThanOrEqual(report.acknowledged);
      expect(events.length).toBeLessThanOrEqual(report.acknowledged + report.failed);
    } finally {
      await session.close();
    }
  });
});
