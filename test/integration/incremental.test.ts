// Incremental runs on Delta, across three days of data, against hand-written cases whose outcome is
// known in advance: each day's silver run classifies only the new bronze batches; a key silver
// already holds is a duplicate on a later day (transactions and ad events); the conservation law
// holds per run; a silver run that dies between two table commits leaves readers on the previous
// version and its rerun lands each record once, and a late commit of a killed run (landing after
// the rerun published) never reaches a later version; and a full refresh over the same bronze gives
// exactly the tables the incremental runs gave. A lake in the layout before Delta is refused with
// the way out. Delta keeps file statistics on the columns the lake and its readers filter on only.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../control/config.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import { createKafka } from '../../control/kafka/client.js';
import { RunStore, type SilverRun } from '../../control/runs/manifest.js';
import { LayerPointer, OldLayoutError, publishedTableSql, tableUri } from '../../control/runs/published.js';
import { heldBatches } from '../../control/runs/silver-batches.js';
import { SparkSession, type Row } from '@lake/spark-connect';
import { runBronze } from '../../jobs/bronze.js';
import { layerTables } from '../../jobs/catalog.js';
import { actionsOf, commitFile } from '../../jobs/delta.js';
import { lakeAsOf } from '../../jobs/as-of.js';
import { runGold } from '../../jobs/gold.js';
import { runSilver } from '../../jobs/silver.js';
import { LakeFixture } from './support/lake-fixture.js';

let lake: LakeFixture;
let session: SparkSession;
const hdfs = new WebHdfs(loadConfig().webHdfs);
const pointer = (layer: 'silver' | 'gold') => new LayerPointer(hdfs, hdfsPath(lake.config.lakeRoot), layer);
const runStore = () => new RunStore(hdfs, hdfsPath(lake.config.lakeRoot));

/** A day's hand-written sales: a CSV in its own sub-folder of the transactions input. */
async function writeSales(day: string, rows: string[]): Promise<void> {
  const folder = path.join(lake.config.inputDir, 'transactions', `zz-${day}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'ventes.csv'), ['transaction_id,client_id,produit,quantite,prix,date_transaction', ...rows, ''].join('\n'));
}

async function writeLog(day: string, lines: string[]): Promise<void> {
  const folder = path.join(lake.config.inputDir, 'server_logs', `zz-${day}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'access.log'), [...lines, ''].join('\n'));
}

/** Hand-written ad events, each a valid click or impression of the campaign `Campagne Test`. */
async function sendEvents(events: Array<{ id: string; type: 'click' | 'impression' }>): Promise<void> {
  const producer = createKafka(lake.config).producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  try {
    await producer.send({
      topic: lake.config.kafkaTopic,
      messages: events.map(({ id, type }) => ({
        key: 'Campagne Test',
        value: JSON.stringify({ event_id: id, campaign_id: 'Campagne Test', event_type: type, ts: '2026-12-01T10:00:00Z' }),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

const rowsOf = async <T extends Row>(query: string) => (await session.sql(query)).collect<T>();

async function publishedRows(table: string, where: string): Promise<Array<Record<string, unknown>>> {
  const silver = await pointer('silver').current();
  return rowsOf(`SELECT * FROM ${publishedTableSql(lake.config, silver!, table)} WHERE ${where}`);
}

/** Count and order-free hash of every published table of a layer (the quarantine's run_id aside: it names the run). */
async function fingerprint(layer: 'silver' | 'gold'): Promise<Record<string, string>> {
  const current = await pointer(layer).current();
  const result: Record<string, string> = {};
  for (const [table, columns] of Object.entries(layerTables(layer))) {
    const compared = Object.keys(columns).filter((column) => column !== 'run_id');
    const [row] = await rowsOf<{ n: bigint; h: bigint | null }>(
      `SELECT count(*) AS n, sum(hash(${compared.join(', ')})) AS h FROM ${publishedTableSql(lake.config, current!, table)}`,
    );
    result[table] = `${row?.n} rows, hash ${row?.h}`;
  }
  return result;
}

describe('incremental runs on Delta tables', () => {
  const silverRuns: SilverRun[] = [];
  let dayOneSilver: { transactions: number; ad_events: number };

  beforeAll(async () => {
    lake = await LakeFixture.withGold({ name: 'incremental', scale: 'xs', events: 1000 });
    silverRuns.push(lake.silver);
    session = await SparkSession.connect(lake.config.sparkRemote);
    // Day 1's rows from the generator's truth and the producer's tally, not from the run's own counts.
    dayOneSilver = { transactions: lake.expected.sources.transactions.silver_rows, ad_events: lake.produced.expected.silver_rows };
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lake?.destroy();
  });

  it('day 2: classifies only the new batch, and a silver run that dies between two table commits publishes nothing', async () => {
    await writeSales('day2', ['D2-1,c1,Produit Jour,2,10.00,2026-12-02', 'D2-2,,Produit Jour,1,5.50,2026-12-02']);
    await sendEvents([
      { id: 'E2-1', type: 'impression' },
      { id: 'E2-2', type: 'click' },
    ]);
    const bronze = await runBronze(lake.config);
    expect(bronze.outcome).toBe('succeeded');
    const before = await pointer('silver').current();

    // Dies in the ad events while transactions (silver and quarantine) are committed.
    const dying = runSilver(lake.config, {
      log: (line) => {
        if (line.includes('ad_events: cleaning')) throw new Error('killed between two table commits');
      },
    });
    await expect(dying).rejects.toThrow('killed between two table commits');
    expect(await pointer('silver').current()).toEqual(before);
    // Its commit is in the Delta table, beyond the version readers are on.
    const transactions = before!.tables.transactions!;
    const [latest] = await rowsOf<{ n: bigint }>(`SELECT count(*) AS n FROM delta.\`${tableUri(lake.config, transactions)}\` WHERE transaction_id LIKE 'D2-%'`);
    expect(latest?.n).toBe(2n);
    expect(await publishedRows('transactions', "transaction_id LIKE 'D2-%'")).toEqual([]);

    const silver = await runSilver(lake.config);
    silverRuns.push(silver);
    expect(silver.outcome).toBe('succeeded');
    expect(silver.madeFrom).toEqual([bronze.runId]);
    expect(silver.silver?.transactions).toEqual({ bronzeRecords: 2, blankLines: 0, silverRows: 2, quarantined: 0, reasons: {} });
    expect(silver.silver?.ad_events).toEqual({ bronzeRecords: 2, blankLines: 0, silverRows: 2, quarantined: 0, reasons: {} });
    // A source without new records is not cleaned: its tables stay at the published version.
    expect(silver.silver?.server_logs).toBeUndefined();
    expect(silver.published?.tables.server_logs).toEqual(before!.tables.server_logs);
    // Each record once, after the rerun replaced what the dead run wrote.
    const d2 = await publishedRows('transactions', "transaction_id LIKE 'D2-%'");
    expect(d2.map((row) => [row.transaction_id, row.client_id, String(row.montant)]).sort()).toEqual([
      ['D2-1', 'c1', '20.00'],
      ['D2-2', 'inconnu', '5.50'],
    ]);
    const [all] = await rowsOf<{ n: bigint }>(`SELECT count(*) AS n FROM ${publishedTableSql(lake.config, silver.published!, 'transactions')}`);
    expect(Number(all?.n)).toBe(dayOneSilver.transactions + 2);
  });

  it('day 3: a key silver already holds is a duplicate; gold follows', async () => {
    await writeSales('day3', ['D2-1,c9,Produit Jour,7,1.00,2026-12-03', 'D3-1,c3,Produit Jour,1,4.50,2026-12-03']);
    await sendEvents([
      { id: 'E2-1', type: 'click' },
      { id: 'E3-1', type: 'click' },
    ]);
    expect((await runBronze(lake.config)).outcome).toBe('succeeded');
    // A late commit of a killed run: its INSERT of day 2's sales, still running on the Connect
    // server when its process died, lands after day 2's rerun published them. Readers never see
    // it (they read the published version), and day 3 must not carry it into its version.
    const published = (await pointer('silver').current())!.tables.transactions!;
    const uri = tableUri(lake.config, published);
    await session.sql(`INSERT INTO delta.\`${uri}\` SELECT * FROM delta.\`${uri}\` VERSION AS OF ${published.version} WHERE transaction_id LIKE 'D2-%'`);
    expect(await publishedRows('transactions', "transaction_id LIKE 'D2-%'")).toHaveLength(2);

    const silver = await runSilver(lake.config);
    silverRuns.push(silver);
    expect(silver.silver?.transactions).toEqual({ bronzeRecords: 2, blankLines: 0, silverRows: 1, quarantined: 1, reasons: { 'duplicate:transaction_id': 1 } });
    expect(silver.silver?.ad_events).toEqual({ bronzeRecords: 2, blankLines: 0, silverRows: 1, quarantined: 1, reasons: { 'duplicate:event_id': 1 } });
    const quarantined = await publishedRows('transactions_quarantine', "raw_record LIKE 'D2-1,%'");
    expect(quarantined.map((row) => [row.raw_record, row.reason, row.run_id])).toEqual([['D2-1,c9,Produit Jour,7,1.00,2026-12-03', 'duplicate:transaction_id', silver.runId]]);
    // The first D2-1 (day 2's) stays in silver, unchanged.
    expect((await publishedRows('transactions', "transaction_id = 'D2-1'")).map((row) => row.client_id)).toEqual(['c1']);

    // The run's manifest, as the lake stores it, names day 3's batch alone and the version it was
    // built on (day 2's; the run that died on day 2 never published): not the batches of the days
    // before. Expected from the bronze runs, one a day.
    const bronzeRuns = (await runStore().succeeded('bronze')).map((run) => run.runId);
    expect(bronzeRuns).toHaveLength(3);
    const stored = (await hdfs.read(`${hdfsPath(lake.config.lakeRoot)}/_runs/${silver.runId}.json`))!.toString('utf8');
    expect(JSON.parse(stored)).toMatchObject({ madeFrom: [bronzeRuns[2]], builtOn: silverRuns[1]!.runId });
    expect(JSON.parse(stored).published).not.toHaveProperty('madeFrom');
    for (const earlier of bronzeRuns.slice(0, 2)) expect(stored).not.toContain(earlier);
    // Nor does the pointer list them: what the published version holds, and what each day's silver
    // held (`lake sql --as-of`), is derived from the runs' own batches.
    const current = await pointer('silver').current();
    expect(current).not.toHaveProperty('madeFrom');
    const runs = await runStore().list();
    expect(heldBatches(runs, current)).toEqual(bronzeRuns);
    expect(silverRuns.map((day) => lakeAsOf(runs, day.runId).silver.madeFrom)).toEqual([bronzeRuns.slice(0, 1), bronzeRuns.slice(0, 2), bronzeRuns]);

    const goldBefore = await pointer('gold').current();
    const goldLog: string[] = [];
    const gold = await runGold(lake.config, { log: (line) => goldLog.push(line) });
    // Since day 1's gold, silver only appended ad events (day 2's batch and day 3's): the campaign
    // metrics are merged, not recomputed (the full refresh below recomputes them from all of
    // silver, and must give the same table).
    expect(goldLog).toContain('gold campaign_metrics: merged with the 2 silver batches added since');
    // A small lake's gold reads well under the bound (jobs/gold.ts): its expressions are interpreted.
    expect(goldLog.filter((line) => /^gold: \d+\.\d MiB of silver to read, expressions interpreted$/.test(line))).toHaveLength(1);
    expect(gold.outcome).toBe('succeeded');
    expect(gold.madeFrom).toEqual([silver.runId]);
    // Only the metrics over a changed silver table are computed; the others keep their version.
    expect(Object.keys(gold.gold ?? {}).sort()).toEqual(['campaign_metrics', 'total_sales_per_product']);
    expect(gold.published?.tables.status_code_counts).toEqual(goldBefore?.tables.status_code_counts);
    expect(gold.published?.tables.avg_likes_per_product).toEqual(goldBefore?.tables.avg_likes_per_product);
    const product = await rowsOf<Record<string, unknown>>(
      `SELECT produit, CAST(total_ventes AS STRING) AS total, nb_transactions FROM ${publishedTableSql(lake.config, gold.published!, 'total_sales_per_product')} WHERE produit = 'Produit Jour'`,
    );
    expect(product).toEqual([{ produit: 'Produit Jour', total: '30.00', nb_transactions: 3n }]);
    const campaign = await rowsOf<Record<string, unknown>>(
      `SELECT total_clicks, total_impressions FROM ${publishedTableSql(lake.config, gold.published!, 'campaign_metrics')} WHERE campaign_id = 'Campagne Test'`,
    );
    expect(campaign).toEqual([{ total_clicks: 2n, total_impressions: 1n }]);
    // Nothing new: neither layer runs again.
    expect((await runSilver(lake.config)).outcome).toBe('nothing new');
    expect((await runGold(lake.config)).outcome).toBe('nothing new');
  });

  it('day 4: gold merges the sales and the requests that silver appended', async () => {
    await writeSales('day4', ['D4-1,c4,Produit Jour,2,2.25,2026-12-04']);
    await writeLog('day4', ['203.0.113.9 - - [04/Dec/2026:10:00:00 +0000] "GET /teapot HTTP/1.1" 418 12', '203.0.113.9 - - [04/Dec/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 512']);
    expect((await runBronze(lake.config)).outcome).toBe('succeeded');
    const silver = await runSilver(lake.config);
    silverRuns.push(silver);
    expect(silver.silver?.server_logs).toMatchObject({ silverRows: 2, quarantined: 0 });

    const goldLog: string[] = [];
    const gold = await runGold(lake.config, { log: (line) => goldLog.push(line) });
    // Since their last computation silver only appended day 4's batch to each table they read.
    expect(goldLog).toEqual(
      expect.arrayContaining(['gold total_sales_per_product: merged with the 1 silver batch added since', 'gold status_code_counts: merged with the 1 silver batch added since']),
    );
    const product = await rowsOf<Record<string, unknown>>(
      `SELECT CAST(total_ventes AS STRING) AS total, nb_transactions, quantite_totale FROM ${publishedTableSql(lake.config, gold.published!, 'total_sales_per_product')} WHERE produit = 'Produit Jour'`,
    );
    // Days 2 and 3 kept 2 + 10.00, 1 + 5.50 and 1 + 4.50 (above); day 4 adds 2 + 2.25.
    expect(product).toEqual([{ total: '34.50', nb_transactions: 4n, quantite_totale: 6n }]);
    // Day 1's requests from the generator's truth, plus day 4's two lines.
    const dayOne = (code: number) => lake.expected.gold.status_code_counts.find((row) => row.status_code === code)?.count_requests ?? 0;
    const counts = await rowsOf<{ status_code: number; count_requests: bigint }>(
      `SELECT status_code, count_requests FROM ${publishedTableSql(lake.config, gold.published!, 'status_code_counts')} WHERE status_code IN (200, 418) ORDER BY status_code`,
    );
    expect(counts.map((row) => [row.status_code, Number(row.count_requests)])).toEqual([
      [200, dayOne(200) + 1],
      [418, dayOne(418) + 1],
    ]);
  });

  it('keeps file statistics on the batch, the run and the times only', async () => {
    // What each file of the published tables' last writes says of its rows, from the Delta log:
    // minimum, maximum and null count of these columns alone (jobs/silver.ts, statisticsColumns).
    const current = (await pointer('silver').current())!;
    const expected = { transactions: ['batch_id', 'date_transaction'], transactions_quarantine: ['batch_id', 'run_id'], ad_events: ['batch_id', 'ts'] };
    for (const [table, columns] of Object.entries(expected)) {
      const published = current.tables[table]!;
      const commit = await commitFile(hdfs, tableUri(lake.config, published), published.version);
      const stats = actionsOf(commit).flatMap(({ add }) => (add ? [JSON.parse(add.stats!) as { numRecords: number; nullCount: Record<string, number> }] : []));
      expect(stats.length, table).toBeGreaterThan(0);
      for (const file of stats) expect(Object.keys(file.nullCount).sort(), table).toEqual(columns);
    }
  });

  it('gives exactly the tables of a full refresh over the same bronze', async () => {
    const incremental = { silver: await fingerprint('silver'), gold: await fingerprint('gold') };
    // The small days read their lines in place; the refresh copies them to scratch Parquet first,
    // as a large run does: both ways must give the same rows.
    const silver = await runSilver(lake.config, { fullRefresh: true, materializeFromBytes: 0 });
    expect(silver.madeFrom).toHaveLength(4);
    expect(silver.builtOn).toBeUndefined();
    expect(lakeAsOf(await runStore().list(), silver.runId).silver.madeFrom).toEqual((await runStore().succeeded('bronze')).map((run) => run.runId));
    // Every record of the four days: day 1's as the generator and the producer made them, the two
    // hand-written sales and two events of days 2 and 3, and day 4's sale and two log lines.
    expect(Object.fromEntries(Object.entries(silver.silver ?? {}).map(([table, counts]) => [table, counts.bronzeRecords]))).toEqual({
      transactions: lake.expected.sources.transactions.bronze_records + 2 + 2 + 1,
      server_logs: lake.expected.sources.server_logs.bronze_records + 2,
      social_posts: lake.expected.sources.social_posts.bronze_records,
      ad_events: lake.produced.expected.bronze_records + 2 + 2,
    });
    // Gold over this small silver ran interpreted; now compiled, as over a large one: the same metrics.
    const refreshLog: string[] = [];
    await runGold(lake.config, { interpretBelowBytes: 0, log: (line) => refreshLog.push(line) });
    expect(refreshLog.join('\n')).not.toContain('interpreted');
    expect({ silver: await fingerprint('silver'), gold: await fingerprint('gold') }).toEqual(incremental);
  });

  it('refuses a lake in the layout before Delta, saying how to move it', async () => {
    const root = `${hdfsPath(lake.config.lakeRoot)}-old`;
    await hdfs.write(`${root}/silver/_current.json`, JSON.stringify({ runId: 'r', publishedAt: '', tables: { transactions: 'silver/_versions/r/transactions' }, madeFrom: [] }));
    try {
      const error = await new LayerPointer(hdfs, root, 'silver').current().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OldLayoutError);
      expect((error as OldLayoutError).hint).toContain('job:all -- --full-refresh');
    } finally {
      await hdfs.delete(root, true);
    }
  });
});
