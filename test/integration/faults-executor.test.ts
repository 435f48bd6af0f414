// Fault: the Spark executor is killed (SIGKILL) while silver cleans a small day, whose numbered
// lines and staged verdicts live only on that executor (local checkpoints, which Spark cannot
// recompute). The standalone Worker starts a new executor; the run sees the lost rows, cleans the
// batches again, replacing what its first attempt committed, and publishes silver with the
// generator's and the producer's counts, each record once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SilverRun } from '../../control/runs/manifest.js';
import { publishedTableSql } from '../../control/runs/published.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { runSilver } from '../../jobs/silver.js';
import { embeddedStack, killExecutors } from './support/faults.js';
import { LakeFixture } from './support/lake-fixture.js';

describe.skipIf(!embeddedStack)('the Spark executor killed during silver', () => {
  let lake: LakeFixture;
  let silver: SilverRun;
  const lines: string[] = [];
  let killed: number[] = [];

  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'faults-executor' });
    expect((await runBronze(lake.config)).outcome).toBe('succeeded');
    silver = await runSilver(lake.config, {
      log: (line) => {
        lines.push(line);
        // Once the lines are kept on the executor and the sources start cleaning.
        if (killed.length === 0 && line.startsWith('silver transactions: cleaning')) killed = killExecutors(lake.config);
      },
    });
  });

  afterAll(async () => {
    await lake?.destroy();
  });

  it('cleans the batches again on the new executor and publishes silver', () => {
    expect(killed.length).toBeGreaterThan(0);
    expect(lines).toContain('silver: an executor was lost with the rows the run kept on it; cleaning the batches again');
    expect(silver.outcome).toBe('succeeded');
    expect(silver.published).toBeDefined();
  });

  it('keeps and quarantines exactly what the generator and the producer expect', () => {
    for (const table of ['transactions', 'server_logs', 'social_posts'] as const) {
      const truth = lake.expected.sources[table];
      expect(silver.silver?.[table], table).toMatchObject({ bronzeRecords: truth.bronze_records, silverRows: truth.silver_rows, reasons: truth.quarantine });
    }
    expect(silver.silver?.ad_events).toMatchObject({ silverRows: lake.produced.expected.silver_rows, reasons: lake.produced.expected.quarantine });
  });

  it('holds each record once in the published tables', async () => {
    const session = await SparkSession.connect(lake.config.sparkRemote);
    try {
      const truth = {
        transactions: lake.expected.sources.transactions.silver_rows,
        server_logs: lake.expected.sources.server_logs.silver_rows,
        social_posts: lake.expected.sources.social_posts.silver_rows,
        ad_events: lake.produced.expected.silver_rows,
      };
      for (const [table, rows] of Object.entries(truth)) {
        const [count] = await (await session.sql(`SELECT count(*) AS n FROM ${publishedTableSql(lake.config, silver.published!, table)}`)).collect<{ n: bigint }>();
        expect(Number(count?.n), table).toBe(rows);
      }
    } finally {
      await session.close();
    }
  });
});
