// Silver's tables as a stream of small runs leaves them: one table a source, not a partition a
// bronze batch, whose small files Delta compacts as they accumulate (here once 3 have, not 50, to
// keep the test short). Day after day of new ad events: every run's counts, the published
// versions, gold's merge across the compactions and what the lake holds equal the producer's
// truth; and after `lake maintain` compacts and vacuums, the next run builds on its compaction
// instead of restoring the version before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedAdEvents } from '../../control/kafka/expected.js';
import { produceAdEvents } from '../../control/kafka/produce-ad-events.js';
import type { GoldRun, SilverRun } from '../../control/runs/manifest.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { deltaHistory, type DeltaHistoryCommit } from '../../jobs/delta-history.js';
import { runGold } from '../../jobs/gold.js';
import { maintainLake } from '../../jobs/maintain.js';
import { runSilver } from '../../jobs/silver.js';
import { expectLakeHoldsWhatWasProduced } from './support/ad-event-truth.js';
import { LakeFixture } from './support/lake-fixture.js';

let lake: LakeFixture;
let session: SparkSession;
const produced: ExpectedAdEvents[] = [];
const days: Array<{ silver: SilverRun; gold: GoldRun; goldLog: string[] }> = [];
const adEventsUri = () => `${lake.config.lakeRoot}/silver/ad_events`;

/** A day: new events (a seed of its own, so no id repeats a day before), then bronze, silver and gold. */
async function day(): Promise<(typeof days)[number]> {
  const report = await produceAdEvents(lake.config, { count: 300, partitions: 3, dirtyRate: 0.05, seed: 40 + days.length });
  produced.push(report.expected);
  expect((await runBronze(lake.config)).outcome).toBe('succeeded');
  const silver = await runSilver(lake.config, { compactFromFiles: 3 });
  expect(silver.outcome).toBe('succeeded');
  const goldLog: string[] = [];
  const gold = await runGold(lake.config, { log: (line) => goldLog.push(line) });
  expect(gold.outcome).toBe('succeeded');
  const result = { silver, gold, goldLog };
  days.push(result);
  return result;
}

const autoCompactions = (history: DeltaHistoryCommit[]) => history.filter((commit) => commit.operation === 'OPTIMIZE' && commit.userMetadata !== undefined && days.some((d) => d.silver.runId === commit.userMetadata));

describe('silver tables that compact their small files', () => {
  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'compaction', scale: 'xs', events: 0 });
    session = await SparkSession.connect(lake.config.sparkRemote);
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lake?.destroy();
  });

  it('makes each silver table one unpartitioned table', async () => {
    await day();
    for (const table of ['ad_events', 'ad_events_quarantine', 'transactions']) {
      const [detail] = await (await session.sql(`DESCRIBE DETAIL delta.\`${lake.config.lakeRoot}/silver/${table}\``)).collect<{ partitionColumns: string[] }>();
      expect(detail?.partitionColumns, table).toEqual([]);
    }
  }, 120_000);

  it('compacts as small appends accumulate; counts, versions and gold stay exact', async () => {
    for (let i = 0; i < 4; i++) await day();
    const history = await deltaHistory(session, adEventsUri());
    const compactions = autoCompactions(history);
    // Five appends of a file or more each, compacted from three small files on.
    expect(compactions.length).toBeGreaterThan(0);
    for (const [index, { silver }] of days.entries()) {
      // The run's rows are its write's, not the compaction's (which moves rows without adding any).
      expect(silver.silver?.ad_events, `day ${index + 1}`).toMatchObject({ bronzeRecords: produced[index]!.bronze_records, silverRows: produced[index]!.silver_rows });
      // The version published is the table as the run left it: after its compaction, when it made one.
      const made = history.filter((commit) => commit.userMetadata === silver.runId).map((commit) => commit.version);
      expect(silver.published?.tables.ad_events?.version, `day ${index + 1}`).toBe(Math.max(...made));
    }
    // Every gold after the first merged the day's batch, across the compactions.
    for (const { goldLog } of days.slice(1)) expect(goldLog).toContain('gold campaign_metrics: merged with the 1 silver batch added since');
    const [detail] = await (await session.sql(`DESCRIBE DETAIL delta.\`${adEventsUri()}\``)).collect<{ numFiles: bigint }>();
    const written = history.filter((commit) => commit.operation === 'WRITE').reduce((sum, commit) => sum + Number(commit.metrics.get('numFiles') ?? 0), 0);
    expect(Number(detail?.numFiles)).toBeLessThan(written);
    await expectLakeHoldsWhatWasProduced(lake.config, produced, session);
  }, 300_000);

  it('builds on what `lake maintain` compacted instead of restoring the version before it', async () => {
    const report = await maintainLake(lake.config, { keep: 2 });
    const maintained = report.tables.find((table) => table.table === 'silver_ad_events');
    expect(maintained?.versions.to).toBeGreaterThan(days.at(-1)!.silver.published!.tables.ad_events!.version);
    const { silver, goldLog } = await day();
    const after = (await deltaHistory(session, adEventsUri())).filter((commit) => commit.version > maintained!.versions.to);
    expect(after.map((commit) => commit.operation)).not.toContain('RESTORE');
    expect(after.map((commit) => commit.userMetadata)).toContain(silver.runId);
    expect(goldLog).toContain('gold campaign_metrics: merged with the 1 silver batch added since');
    await expectLakeHoldsWhatWasProduced(lake.config, produced, session);
  }, 300_000);
});
