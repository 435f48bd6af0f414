// The lake over time, on a lake the real pipeline built in two days: day one is the generator's
// sample and the producer's events; day two brings every source new records, valid and not — files
// written here by hand, and more events from the producer.
// `lake history` must show each run's commits under its run id; `lake sql --as-of` must read the
// lake as a past run published it, and today's views today's; `lake maintain` must keep exactly
// the versions it promises readable, and a removed version must say so clearly.
// Expected values come from the generator's and the producer's own truth, from the hand-made
// file, and from gold read straight from its Delta tables after each gold run — never from the
// code under test.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeError } from '../../control/errors.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { produceAdEvents, type ProduceAdEventsReport } from '../../control/kafka/produce-ad-events.js';
import { LayerLock } from '../../control/runs/lock.js';
import { RunStore, type BronzeRun, type GoldRun, type Layer, type RunOf, type SilverRun } from '../../control/runs/manifest.js';
import { tableUri, type RecordedLayer } from '../../control/runs/published.js';
import { SparkSession } from '@lake/spark-connect';
import { loadConfig } from '../../control/config.js';
import { gold as goldCatalog, goldTables, silverTables } from '../../jobs/catalog.js';
import { lakeHistory } from '../../jobs/history.js';
import { parseLakeTable } from '../../jobs/lake-tables.js';
import { explainRemovedVersion, registerLakeViews } from '../../jobs/lake-views.js';
import { maintainLake } from '../../jobs/maintain.js';
import { runBronze } from '../../jobs/bronze.js';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { LakeFixture } from './support/lake-fixture.js';

/** Day two's files: each source gets valid records of new keys, and one record it must quarantine. */
const dayTwo = {
  transactions: [
    'transaction_id,client_id,produit,quantite,prix,date_transaction',
    'D2-0001,C-901,Lampe de test,2,10.50,2024-06-01 10:00:00',
    'D2-0002,C-902,Lampe de test,1,5.25,2024-06-01 11:00:00',
    'D2-0003,C-903,Chaise de test,3,7.00,2024-06-02',
    'D2-0004,C-904,Lampe de test,deux,1.00,2024-06-02',
  ],
  server_logs: [
    '10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] "GET /day-two HTTP/1.1" 200 512 "-" "test-agent"',
    '10.0.0.2 - - [01/Jun/2024:10:00:01 +0000] "GET /day-two/missing HTTP/1.1" 404 0 "-" "test-agent"',
    'not a log line at all',
  ],
  social_posts: [
    '{"post_id": "D2-P1", "utilisateur": "alice", "contenu": "Lampe de test", "texte": "top", "likes": 10, "partages": 1, "date_publication": "2024-06-01T10:00:00Z"}',
    '{"post_id": "D2-P2", "utilisateur": "bob", "contenu": "Lampe de test", "texte": "bof", "likes": 3, "partages": 0, "date_publication": "2024-06-01T11:00:00Z"}',
    '{"post_id": "D2-P3", "contenu": "Lampe de test", "likes": "douze"}',
  ],
};
const dayTwoFiles = { transactions: 'transactions/day-two.csv', server_logs: 'server_logs/day-two.log', social_posts: 'social/day-two.jsonl' };
const dayTwoCounts = {
  transactions: { silverRows: 3, quarantined: 1 },
  server_logs: { silverRows: 2, quarantined: 1 },
  social_posts: { silverRows: 2, quarantined: 1 },
};
const dayTwoSales = [
  { produit: 'Chaise de test', total_ventes: '21.00', nb_transactions: 1, quantite_totale: 3 },
  { produit: 'Lampe de test', total_ventes: '26.25', nb_transactions: 2, quantite_totale: 3 },
];
const dayTwoLikes = [{ contenu: 'Lampe de test', avg_likes: '6.50', nb_posts: 2 }];

type Rows = Record<string, unknown>[];
type GoldRows = Record<string, Rows>;

const plain = (rows: readonly Record<string, unknown>[]): Rows =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])));
const byKey = (table: (typeof goldTables)[number], rows: Rows): Rows => {
  const key = goldCatalog[table].key;
  return [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
};

let lake: LakeFixture;
let session: SparkSession;
let dayTwoEvents: ProduceAdEventsReport;
const hdfs = new WebHdfs(loadConfig().webHdfs);
const root = () => hdfsPath(lake.config.lakeRoot);

/** Gold of a published version, read straight from its Delta tables (not through the views under test). */
async function goldAt(version: RecordedLayer): Promise<GoldRows> {
  const tables: GoldRows = {};
  for (const table of goldTables) {
    const published = version.tables[table];
    if (!published) throw new Error(`gold version of ${version.runId} has no ${table}`);
    tables[table] = byKey(table, plain(await session.read.format('delta').option('versionAsOf', published.version).load(tableUri(lake.config, published)).collect()));
  }
  return tables;
}

/** Gold through the lake views of a session (as of a run, or current). */
async function goldViews(views: SparkSession): Promise<GoldRows> {
  const tables: GoldRows = {};
  for (const table of goldTables) tables[table] = byKey(table, plain(await (await views.sql(`SELECT * FROM gold_${table}`)).collect()));
  return tables;
}

async function count(views: SparkSession, view: string): Promise<number> {
  return Number(await (await views.sql(`SELECT * FROM ${view}`)).count());
}

/** A session of its own with the lake views registered, closed after `use`. */
async function withViews<T>(asOf: string | undefined, use: (views: SparkSession, registered: Awaited<ReturnType<typeof registerLakeViews>>) => Promise<T>): Promise<T> {
  const views = await SparkSession.connect(lake.config.sparkRemote);
  try {
    return await use(views, await registerLakeViews(views, lake.config, { asOf }));
  } finally {
    await views.close();
  }
}

function published(run: SilverRun | GoldRun | undefined): RecordedLayer {
  if (!run?.published) throw new Error(`run ${run?.runId} published nothing`);
  return run.published;
}

// Queries over every view of the lake, on a cluster other runs share: minutes, at times.

/** Every Delta table of the lake, as the data contract lists them (by hand: not from jobs/lake-tables.ts, which is under test). */
const everyDeltaTable = [
  'silver_transactions',
  'silver_transactions_quarantine',
  'silver_server_logs',
  'silver_server_logs_quarantine',
  'silver_social_posts',
  'silver_social_posts_quarantine',
  'silver_ad_events',
  'silver_ad_events_quarantine',
  'gold_total_sales_per_product',
  'gold_status_code_counts',
  'gold_avg_likes_per_product',
  'gold_campaign_metrics',
  'bronze_ad_events',
];
describe('lake history, lake sql --as-of and lake maintain over two days of runs', { timeout: 600_000 }, () => {
  const day: Array<{ bronze: BronzeRun; silver: SilverRun; gold: GoldRun; goldRows: GoldRows }> = [];

  beforeAll(async () => {
    lake = await LakeFixture.withGold({ name: 'history', scale: 'xs', events: 1000 });
    session = await SparkSession.connect(lake.config.sparkRemote);
    const runs = new RunStore(hdfs, root());
    const last = async <L extends Layer>(layer: L) => (await runs.succeeded(layer)).at(-1) as RunOf<L>;
    const dayOneGold = await last('gold');
    day.push({ bronze: await last('bronze'), silver: lake.silver, gold: dayOneGold, goldRows: await goldAt(published(dayOneGold)) });

    for (const [source, file] of Object.entries(dayTwoFiles)) {
      await mkdir(path.dirname(path.join(lake.config.inputDir, file)), { recursive: true });
      await writeFile(path.join(lake.config.inputDir, file), `${dayTwo[source as keyof typeof dayTwo].join('\n')}\n`);
    }
    dayTwoEvents = await produceAdEvents(lake.config, { count: 200, partitions: 3, dirtyRate: 0.2, seed: 8 });
    const bronze = await runBronze(lake.config);
    const silver = await runSilver(lake.config);
    const gold = await runGold(lake.config);
    expect([bronze.outcome, silver.outcome, gold.outcome]).toEqual(['succeeded', 'succeeded', 'succeeded']);
    day.push({ bronze, silver, gold, goldRows: await goldAt(published(gold)) });
  }, 1_800_000);

  afterAll(async () => {
    await session?.close();
    await lake?.destroy();
  });

  it('made day two as the hand-made files and the producer say (the premise of what follows)', () => {
    const [one, two] = day as [(typeof day)[0], (typeof day)[0]];
    expect(two.silver.silver).toMatchObject({ ...dayTwoCounts, ad_events: { silverRows: dayTwoEvents.expected.silver_rows } });
    expect(two.goldRows.total_sales_per_product).toEqual(byKey('total_sales_per_product', [...(one.goldRows.total_sales_per_product ?? []), ...dayTwoSales]));
    expect(two.goldRows.avg_likes_per_product).toEqual(byKey('avg_likes_per_product', [...(one.goldRows.avg_likes_per_product ?? []), ...dayTwoLikes]));
  });

  it("leaves a batch run's silver files as written: no auto compaction before `lake maintain`", async () => {
    for (const table of ['transactions', 'ad_events', 'ad_events_quarantine']) {
      const history = await (await session.sql(`DESCRIBE HISTORY delta.\`${lake.config.lakeRoot}/silver/${table}\``)).collect();
      expect(history.map((commit) => commit.operation).filter((operation) => operation !== 'CREATE TABLE'), table).toEqual(['WRITE', 'WRITE']);
    }
  });

  describe('lake history', () => {
    it("shows every table's commits with the id of the run that made them, and which version is published", async () => {
      const { commits, missing } = await lakeHistory(session, lake.config);
      expect(missing).toEqual([]);
      expect(new Set(commits.map((commit) => commit.table))).toEqual(new Set(everyDeltaTable));
      for (const { silver, gold } of day) {
        for (const [table, version] of Object.entries(published(silver).tables)) {
          expect(commits.find((commit) => commit.table === `silver_${table}` && commit.version === version.version)?.runId, `silver_${table}`).toBe(silver.runId);
        }
        for (const [table, version] of Object.entries(published(gold).tables)) {
          expect(commits.find((commit) => commit.table === `gold_${table}` && commit.version === version.version)?.runId, `gold_${table}`).toBe(gold.runId);
        }
      }
      // Only day two's versions are what readers read now.
      for (const [layer, run] of [['silver', day[1]?.silver], ['gold', day[1]?.gold]] as const) {
        for (const [table, version] of Object.entries(published(run).tables)) {
          expect(commits.filter((commit) => commit.table === `${layer}_${table}` && commit.published).map((commit) => commit.version)).toEqual([version.version]);
        }
      }
      for (const { bronze } of day) expect(commits.some((commit) => commit.table === 'bronze_ad_events' && commit.runId === bronze.runId)).toBe(true);
    });

    it('counts the rows each commit wrote, as the generator and the hand-made file expect', async () => {
      const { commits } = await lakeHistory(session, lake.config, { tables: [parseLakeTable('silver_transactions'), parseLakeTable('silver_transactions_quarantine')] });
      const written = (table: string, run: SilverRun) => commits.find((commit) => commit.table === table && commit.runId === run.runId && commit.rowsWritten !== undefined)?.rowsWritten;
      const [one, two] = day as [(typeof day)[0], (typeof day)[0]];
      expect(written('silver_transactions', one.silver)).toBe(lake.expected.sources.transactions.silver_rows);
      expect(written('silver_transactions_quarantine', one.silver)).toBe(lake.expected.sources.transactions.quarantined);
      expect(written('silver_transactions', two.silver)).toBe(dayTwoCounts.transactions.silverRows);
      expect(written('silver_transactions_quarantine', two.silver)).toBe(dayTwoCounts.transactions.quarantined);
      // Oldest first, one table after the other.
      const versions = commits.filter((commit) => commit.table === 'silver_transactions').map((commit) => commit.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    });

    it('gives only the newest commits with `last`', async () => {
      const { commits } = await lakeHistory(session, lake.config, { last: 1 });
      expect(commits).toHaveLength(everyDeltaTable.length);
      const gold = commits.find((commit) => commit.table === 'gold_campaign_metrics');
      expect(gold).toMatchObject({ runId: day[1]?.gold.runId, version: published(day[1]?.gold).tables.campaign_metrics?.version, published: true });
    });

    it('leaves out the tables of a lake not built yet', async () => {
      const empty = loadConfig({ ...process.env, LAKE_ROOT: `${lake.config.lakeRoot}/not-built` });
      expect(await lakeHistory(session, empty)).toEqual({ commits: [], missing: everyDeltaTable });
    });
  });

  describe('lake sql --as-of', () => {
    it("reads day one's gold and silver as of the first gold run, and bronze with day one's batches only", async () => {
      const [one] = day as [(typeof day)[0]];
      await withViews(one.gold.runId, async (views, registered) => {
        expect(registered.warnings).toEqual([]);
        expect(registered.asOf).toEqual({ silver: one.silver.runId, gold: one.gold.runId });
        expect(await goldViews(views)).toEqual(one.goldRows);
        for (const table of ['transactions', 'server_logs', 'social_posts'] as const) {
          expect(await count(views, `silver_${table}`), table).toBe(lake.expected.sources[table].silver_rows);
          expect(await count(views, `silver_${table}_quarantine`), table).toBe(lake.expected.sources[table].quarantined);
        }
        expect(await count(views, 'silver_ad_events')).toBe(lake.produced.expected.silver_rows);
        for (const table of ['bronze_transactions', 'bronze_ad_events']) {
          const batches = await (await views.sql(`SELECT DISTINCT batch_id FROM ${table}`)).collect();
          expect(batches.map((row) => row.batch_id), table).toEqual([one.bronze.runId]);
        }
      });
    });

    it('reads the first silver run with the gold computed from it', async () => {
      const [one] = day as [(typeof day)[0]];
      await withViews(one.silver.runId, async (views, registered) => {
        expect(registered.asOf).toEqual({ silver: one.silver.runId, gold: one.gold.runId });
        expect(await goldViews(views)).toEqual(one.goldRows);
      });
    });

    it("reads day two's lake without --as-of", async () => {
      const [one, two] = day as [(typeof day)[0], (typeof day)[0]];
      await withViews(undefined, async (views) => {
        expect(await goldViews(views)).toEqual(two.goldRows);
        for (const table of ['transactions', 'server_logs', 'social_posts'] as const) {
          expect(await count(views, `silver_${table}`), table).toBe(lake.expected.sources[table].silver_rows + dayTwoCounts[table].silverRows);
          expect(await count(views, `silver_${table}_quarantine`), table).toBe(lake.expected.sources[table].quarantined + dayTwoCounts[table].quarantined);
        }
        expect(await count(views, 'silver_ad_events')).toBe(lake.produced.expected.silver_rows + dayTwoEvents.expected.silver_rows);
        const batches = await (await views.sql('SELECT DISTINCT batch_id FROM bronze_transactions ORDER BY batch_id')).collect();
        expect(batches.map((row) => row.batch_id)).toEqual([one.bronze.runId, two.bronze.runId]);
      });
    });

    it('refuses a run that published nothing, saying which runs can be read', async () => {
      const bronze = day[0]?.bronze.runId ?? '';
      await expect(withViews(bronze, async () => undefined)).rejects.toThrow(new RegExp(`run ${bronze} is a bronze run`));
      await expect(withViews('20200101T000000Z-abcdef', async () => undefined)).rejects.toSatisfy(
        (error: unknown) => error instanceof LakeError && /no run 20200101T000000Z-abcdef/.test(error.message) && /lake runs/.test(error.hint ?? ''),
      );
    });
  });

  describe('lake maintain', () => {
    // Thirteen tables, each compacted and vacuumed, on a cluster other runs share.
    const maintainTimeout = 900_000;

    it('waits for no run: a held layer lock stops it, and it leaves no lock of its own behind', async () => {
      const lock = await LayerLock.acquire(hdfs, root(), 'silver', 'a-silver-run');
      try {
        await expect(maintainLake(lake.config, { keep: 2 })).rejects.toThrow(/another silver run \(a-silver-run/);
      } finally {
        await lock.release();
      }
      for (const layer of ['bronze', 'silver', 'gold']) await (await LayerLock.acquire(hdfs, root(), layer, 'probe')).release();
    });

    it('with --keep 2, compacts and vacuums every table and still reads day one as of its gold run', async () => {
      const report = await maintainLake(lake.config, { keep: 2 });
      expect(report.tables.map((table) => table.table)).toEqual(everyDeltaTable);
      const [one, two] = day as [(typeof day)[0], (typeof day)[0]];
      for (const table of silverTables) {
        expect(report.tables.find((entry) => entry.table === `silver_${table}`)?.versions.from).toBe(published(one.silver).tables[table]?.version);
      }
      await withViews(one.gold.runId, async (views) => {
        expect(await goldViews(views)).toEqual(one.goldRows);
        expect(await count(views, 'silver_transactions')).toBe(lake.expected.sources.transactions.silver_rows);
      });
      await withViews(undefined, async (views) => expect(await goldViews(views)).toEqual(two.goldRows));
      const { commits } = await lakeHistory(session, lake.config, { tables: [parseLakeTable('gold_status_code_counts')], last: 1 });
      expect(commits[0]).toMatchObject({ operation: 'VACUUM END', runId: report.id });
    }, maintainTimeout);

    it('with --keep 1, deletes the files of day-one gold: the current lake reads the same, day one says it was removed', async () => {
      const report = await maintainLake(lake.config, { keep: 1 });
      const [one, two] = day as [(typeof day)[0], (typeof day)[0]];
      for (const table of goldTables) {
        // Nothing after day two's gold removed a file: no older gold version needs to stay.
        expect(report.tables.find((entry) => entry.table === `gold_${table}`), table).toMatchObject({
          vacuum: { retainHours: 0 },
          versions: { from: published(two.gold).tables[table]?.version },
        });
      }
      expect(report.tables.find((entry) => entry.table === 'gold_total_sales_per_product')?.filesDeleted).toBeGreaterThan(0);

      await withViews(undefined, async (views) => {
        expect(await goldViews(views)).toEqual(two.goldRows);
        expect(await count(views, 'silver_transactions')).toBe(lake.expected.sources.transactions.silver_rows + dayTwoCounts.transactions.silverRows);
      });
      await withViews(one.gold.runId, async (views, registered) => {
        const error = await views
          .sql('SELECT * FROM gold_total_sales_per_product')
          .then((df) => df.collect())
          .then(
            () => undefined,
            (failure: unknown) => explainRemovedVersion(failure, registered.versions),
          );
        expect(error).toBeInstanceOf(LakeError);
        const version = published(one.gold).tables.total_sales_per_product?.version;
        expect((error as LakeError).message).toMatch(new RegExp(`^version ${version} of gold_total_sales_per_product \\(published by run ${one.gold.runId}\\) was removed by \`lake maintain\``));
      });
    }, maintainTimeout);

    it("lands the next day's events after maintain as a blind append: its compaction and vacuum are no dead run's rows to remove", async () => {
      const events = await produceAdEvents(lake.config, { count: 100, partitions: 3, dirtyRate: 0, seed: 9 });
      const bronze = await runBronze(lake.config);
      expect(bronze.outcome).toBe('succeeded');
      expect(bronze.kafka?.records).toBe(events.acknowledged);
      // Straight from Delta's history: a removal of uncommitted batches would be a DELETE and a REPLACE WHERE, neither a blind append.
      const uri = `${lake.config.lakeRoot}/bronze/ad_events`;
      const history = await (await session.sql(`DESCRIBE HISTORY delta.\`${uri}\` LIMIT 2`)).collect();
      expect(history[0]).toMatchObject({ operation: 'WRITE', isBlindAppend: true, userMetadata: bronze.runId });
      expect(history[1]).toMatchObject({ operation: 'VACUUM END' });
    }, maintainTimeout);
  });
});
