// The whole pipeline on generated data: bronze → silver → gold against the real stack, compared
// with the truth the generator and the producer computed on their own (in TypeScript, from the
// records they chose). Then: determinism, and a gold run failing midway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import type { ProduceAdEventsReport } from '../../control/kafka/produce-ad-events.js';
import type { SilverRun } from '../../control/runs/manifest.js';
import { LayerPointer, publishedTableSql } from '../../control/runs/published.js';
import type { ExpectedFiles } from '../../control/sample/index.js';
import { SparkInterruptedError, SparkSession } from '@lake/spark-connect';
import { lakeViewsNamedIn, registerLakeViews } from '../../jobs/lake-views.js';
import { goldTables, runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { expectGoldEqualsTruth, publishedGold } from './support/gold-truth.js';
import { LakeFixture } from './support/lake-fixture.js';

let lake: LakeFixture;
const config = () => lake.config;
const hdfs = new WebHdfs(loadConfig().webHdfs);

describe('the pipeline, bronze → silver → gold', () => {
  let expected: ExpectedFiles;
  let produced: ProduceAdEventsReport;
  let silver: SilverRun;
  let session: SparkSession;

  beforeAll(async () => {
    lake = await LakeFixture.withGold({ name: 'pipeline', seed: 7 });
    ({ expected, produced, silver } = lake);
    session = await SparkSession.connect(config().sparkRemote);
  });

  afterAll(async () => {
    await session?.close();
    await lake?.destroy();
  });

  it('keeps and quarantines exactly what the generator and the producer expect, every reason included', () => {
    for (const table of ['transactions', 'server_logs', 'social_posts'] as const) {
      const truth = expected.sources[table];
      expect(silver.silver?.[table], table).toMatchObject({
        bronzeRecords: truth.bronze_records,
        blankLines: truth.blank_lines,
        silverRows: truth.silver_rows,
        quarantined: truth.quarantined,
        reasons: truth.quarantine,
      });
      expect(Object.keys(truth.quarantine).length).toBeGreaterThan(3);
    }
    expect(silver.silver?.ad_events).toMatchObject({
      bronzeRecords: produced.expected.bronze_records,
      silverRows: produced.expected.silver_rows,
      reasons: produced.expected.quarantine,
    });
    expect(Object.keys(produced.expected.quarantine)).toHaveLength(10);
  });

  it('obeys the conservation law for every source, counted in the published tables against the records the generator and the producer made', async () => {
    // Not the run's own counts: the rows readers read, against the records known before any run.
    const published = await new LayerPointer(hdfs, hdfsPath(config().lakeRoot), 'silver').current();
    const rows = async (table: string) => {
      const [row] = await (await session.sql(`SELECT count(*) AS n FROM ${publishedTableSql(config(), published!, table)}`)).collect<{ n: bigint }>();
      return Number(row?.n);
    };
    const conserved: Record<string, { records: number; kept: number; quarantined: number }> = {};
    const made: Record<string, number> = { ad_events: produced.expected.bronze_records };
    for (const table of ['transactions', 'server_logs', 'social_posts'] as const) made[table] = expected.sources[table].bronze_records;
    for (const table of Object.keys(made)) conserved[table] = { records: made[table]!, kept: await rows(table), quarantined: await rows(`${table}_quarantine`) };
    for (const [table, { records, kept, quarantined }] of Object.entries(conserved)) expect(kept + quarantined, `${table}: ${kept} kept + ${quarantined} quarantined`).toBe(records);
  });

  it('computes the four gold metrics exactly', async () => {
    await expectGoldEqualsTruth(config(), expected, produced, session);
  });

  it('shows every table of the current versions to `lake sql` as <layer>_<table>', async () => {
    const { views, warnings } = await registerLakeViews(session, config());
    expect(warnings).toEqual([]);
    expect(views).toEqual(
      expect.arrayContaining(['bronze_transactions', 'bronze_ad_events', 'silver_social_posts', 'silver_ad_events_quarantine', 'gold_campaign_metrics']),
    );
    const [row] = await (
      await session.sql(`SELECT (SELECT count(*) FROM silver_transactions) AS kept, (SELECT count(*) FROM silver_transactions_quarantine) AS quarantined`)
    ).collect<{ kept: bigint; quarantined: bigint }>();
    expect(row).toEqual({ kept: BigInt(expected.sources.transactions.silver_rows), quarantined: BigInt(expected.sources.transactions.quarantined) });
  });

  it('registers only the views a query names, in a session of its own', async () => {
    const own = await SparkSession.connect(config().sparkRemote);
    try {
      const query = 'SELECT count(*) AS n FROM silver_transactions_quarantine';
      const { views } = await registerLakeViews(own, config(), { only: lakeViewsNamedIn(query) });
      expect(views).toEqual(['silver_transactions_quarantine']);
      const [row] = await (await own.sql(query)).collect<{ n: bigint }>();
      expect(row?.n).toBe(BigInt(expected.sources.transactions.quarantined));
    } finally {
      await own.close();
    }
  });

  it('does nothing when run again with nothing new, and gives identical gold when rebuilt from all of bronze', async () => {
    const before = await publishedGold(config(), session);
    expect((await runSilver(config())).outcome).toBe('nothing new');
    expect((await runGold(config())).outcome).toBe('nothing new');
    expect((await runSilver(config(), { fullRefresh: true })).outcome).toBe('succeeded');
    expect((await runGold(config())).outcome).toBe('succeeded');
    expect(await publishedGold(config(), session)).toEqual(before);
  });

  it('leaves the previous gold current and readable when a gold run fails midway', async () => {
    const versions = new LayerPointer(hdfs, hdfsPath(config().lakeRoot), 'gold');
    const before = await versions.current();
    const goldBefore = await publishedGold(config(), session);
    const interrupt = new AbortController();
    const failing = runGold(config(), {
      fullRefresh: true,
      execution: { signal: interrupt.signal },
      // Ctrl-C as the metrics start side by side: every operation of the run's session is
      // interrupted, whichever call was given the signal.
      log: (line) => line.includes(goldTables[2]) && interrupt.abort(),
    });
    await expect(failing).rejects.toBeInstanceOf(SparkInterruptedError);
    expect(await versions.current()).toEqual(before);
    expect(await publishedGold(config(), session)).toEqual(goldBefore);
  });
});
