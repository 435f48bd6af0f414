// Faults around a run's commit and publication, injected between the lake's client and the real
// NameNode (support/webhdfs-faults.ts): the answer to the rename that commits a bronze batch or
// publishes a silver version lost after HDFS did it, a clean-up after gold's pointer refused, and
// a silver pointer refused outright. What was committed or published stays, readers read it, and
// the reruns land each record once. Expected counts come from the generator's `_expected/`, the
// producer's tally and the hand-written rows of day 2, never from the runs' own counts.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { RunStore } from '../../control/runs/manifest.js';
import { LayerPointer, publishedTableSql, type PublishedLayer } from '../../control/runs/published.js';
import { SparkSession } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { LakeFixture } from './support/lake-fixture.js';
import { WebHdfsFaultProxy } from './support/webhdfs-faults.js';

const fileTables = ['transactions', 'server_logs', 'social_posts'] as const;

describe('a failure after a run committed or published', () => {
  let lake: LakeFixture;
  let proxy: WebHdfsFaultProxy;
  let session: SparkSession;
  let hdfs: WebHdfs;
  /** The lake's configuration with WebHDFS reached through the fault proxy. */
  let faulty: LakeConfig;
  const pointer = (layer: 'silver' | 'gold') => new LayerPointer(hdfs, hdfsPath(lake.config.lakeRoot), layer);

  /** Rows of a table at the version the layer's pointer names: what every reader reads. */
  async function publishedCount(layer: 'silver' | 'gold', table: string): Promise<number> {
    const [row] = await (await session.sql(`SELECT count(*) AS n FROM ${publishedTableSql(lake.config, (await pointer(layer).current())!, table)}`)).collect<{ n: bigint }>();
    return Number(row?.n);
  }

  /** What readers read of every silver table, against the truth of the generator and the producer, plus `extra` transactions. */
  async function expectSilverIsTheTruth(extraTransactions = 0): Promise<void> {
    const counts: Record<string, number> = {};
    const truth: Record<string, number> = {};
    for (const table of fileTables) {
      counts[table] = await publishedCount('silver', table);
      counts[`${table}_quarantine`] = await publishedCount('silver', `${table}_quarantine`);
      truth[table] = lake.expected.sources[table].silver_rows + (table === 'transactions' ? extraTransactions : 0);
      truth[`${table}_quarantine`] = lake.expected.sources[table].quarantined;
    }
    counts.ad_events = await publishedCount('silver', 'ad_events');
    truth.ad_events = lake.produced.expected.silver_rows;
    expect(counts).toEqual(truth);
  }

  beforeAll(async () => {
    lake = await LakeFixture.create({ name: 'faults-commit', events: 500 });
    hdfs = new WebHdfs(lake.config.webHdfs);
    proxy = await WebHdfsFaultProxy.start(lake.config.webHdfs);
    faulty = { ...lake.config, webHdfs: proxy.url };
    session = await SparkSession.connect(lake.config.sparkRemote);
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await proxy?.stop();
    await lake?.destroy();
  });

  it("bronze: a batch whose manifest HDFS renamed into place stays committed, though the rename's answer was lost", async () => {
    proxy.inject({ op: 'RENAME', path: /\/_runs\/[^/]+\.json\._landing_/, when: 'after' });
    const bronze = await runBronze(faulty);
    expect(proxy.struck).toEqual([expect.stringMatching(/^RENAME .*\/_runs\/.*\(after\)$/)]);
    expect(bronze.outcome).toBe('succeeded');
    // Every generated file is there, whole, where the manifest says it landed.
    for (const table of fileTables) {
      const landed = bronze.files?.[table]?.landed ?? [];
      expect(landed.length, table).toBe(lake.expected.sources[table].files.length);
      for (const file of landed) expect((await hdfs.status(`${hdfsPath(lake.config.lakeRoot)}/${file.landedAt}`))?.length, file.path).toBe(file.size);
    }
    expect(bronze.kafka?.records).toBe(lake.produced.expected.bronze_records);
  });

  it("silver: a version whose pointer HDFS replaced, though the rename's answer was lost, is published, and readers read it whole", async () => {
    proxy.inject({ op: 'RENAME', path: /\/silver\/_current\.json\._landing_/, when: 'after' });
    const silver = await runSilver(faulty);
    expect(proxy.struck.at(-1)).toMatch(/^RENAME .*\/silver\/_current\.json\._landing_\S+ \(after\)$/);
    expect(silver.outcome).toBe('succeeded');
    expect(silver.afterPublication).toMatch(/injected fault \(after\)/);
    expect((await pointer('silver').current())?.runId).toBe(silver.runId);
    expect((await new RunStore(hdfs, hdfsPath(lake.config.lakeRoot)).read(silver.runId))?.outcome).toBe('succeeded');
    await expectSilverIsTheTruth();
    // Nothing to redo: the rerun finds every batch in silver.
    expect((await runSilver(lake.config)).outcome).toBe('nothing new');
    await expectSilverIsTheTruth();
  });

  it('gold: a clean-up that fails after the pointer moved leaves the new gold published', async () => {
    proxy.inject({ op: 'DELETE', path: /\/gold\/_versions$/, when: 'before' });
    const gold = await runGold(faulty, { fullRefresh: true });
    expect(proxy.struck.at(-1)).toMatch(/^DELETE .*\/gold\/_versions \(before\)$/);
    expect(gold.outcome).toBe('succeeded');
    expect(gold.afterPublication).toMatch(/injected fault \(before\): DELETE/);
    const published = await pointer('gold').current();
    expect(published?.runId).toBe(gold.runId);
    const rows = await (
      await session.sql(`SELECT status_code, count_requests FROM ${publishedTableSql(lake.config, published!, 'status_code_counts')} ORDER BY status_code`)
    ).collect<{ status_code: number; count_requests: bigint }>();
    expect(rows.map((row) => ({ status_code: row.status_code, count_requests: Number(row.count_requests) }))).toEqual(lake.expected.gold.status_code_counts);
  });

  it('silver: a pointer HDFS refused fails the run; readers keep the version before it, and the rerun lands each record once', async () => {
    const folder = path.join(lake.config.inputDir, 'transactions', 'zz-day2');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'ventes.csv'), 'transaction_id,client_id,produit,quantite,prix,date_transaction\nF2-1,c1,Produit Faute,2,10.00,2026-12-02\nF2-2,c2,Produit Faute,1,5.50,2026-12-02\n');
    expect((await runBronze(lake.config)).outcome).toBe('succeeded');
    const before: PublishedLayer | undefined = await pointer('silver').current();

    proxy.inject({ op: 'RENAME', path: /\/silver\/_current\.json\._landing_/, when: 'before' });
    await expect(runSilver(faulty)).rejects.toThrow(/injected fault \(before\): RENAME/);
    expect(await pointer('silver').current()).toEqual(before);
    // The history says the run failed (its manifest was saved as succeeded before the pointer).
    const last = (await new RunStore(hdfs, hdfsPath(lake.config.lakeRoot)).list()).filter((run) => run.layer === 'silver').at(-1);
    expect(last).toMatchObject({ outcome: 'failed', error: expect.stringContaining('injected fault') });
    expect(last).not.toHaveProperty('published');
    await expectSilverIsTheTruth();

    const rerun = await runSilver(lake.config);
    expect(rerun.outcome).toBe('succeeded');
    await expectSilverIsTheTruth(2);
    const day2 = await (
      await session.sql(`SELECT transaction_id, count(*) AS n FROM ${publishedTableSql(lake.config, rerun.published!, 'transactions')} WHERE transaction_id LIKE 'F2-%' GROUP BY transaction_id ORDER BY transaction_id`)
    ).collect<{ transaction_id: string; n: bigint }>();
    expect(day2).toEqual([
      { transaction_id: 'F2-1', n: 1n },
      { transaction_id: 'F2-2', n: 1n },
    ]);
  });
});
