// Benchmark: how should gold follow a silver that grew by a day? Two strategies, on the same lake
// (a first day at the given scale, then a second day of scale xs files and 1 000 events), in one
// session, alternating, three times each:
//   recompute  the four metrics from the whole published silver, each an INSERT OVERWRITE of its
//              Delta table (what jobs/gold.ts does);
//   merge      per-metric aggregates of the new batches only, MERGEd into Delta tables that hold
//              the additive state of each metric (sums and counts, the average and the CTR
//              recomputed from them, so they stay exact).
// Both run the four metrics side by side. The merged tables are checked equal to the recomputed
// ones at the end, so the faster strategy is also a correct one.
//
//   npm run bench:gold -- s        (scale xs | s | m; the embedded stack must be up)
import { WebHdfs, hdfsPath } from '../control/hdfs/webhdfs.js';
import { LayerPointer, registerPublishedViews } from '../control/runs/published.js';
import { RunStore } from '../control/runs/manifest.js';
import { sideBySide } from '../control/side-by-side.js';
import { SparkSession } from '@lake/spark-connect';
import { gold, goldTables, type GoldTable } from '../jobs/catalog.js';
import { runBronze } from '../jobs/bronze.js';
import { runSilver } from '../jobs/silver.js';
import { createBenchLake, parseScale } from './bench-lake.js';
import { layerSql } from '../jobs/sql-files.js';
import { median, spread } from './stats.js';

/** Each metric as additive state: the table's columns, the aggregate of some silver rows, and how a MERGE adds two states. */
const merged: Record<GoldTable, { key: string; columns: string; aggregate: (where: string) => string; add: string }> = {
  total_sales_per_product: {
    key: 'produit',
    columns: 'produit STRING, total_ventes DECIMAL(24,2), nb_transactions BIGINT, quantite_totale BIGINT',
    aggregate: (where) => `SELECT produit, CAST(sum(montant) AS DECIMAL(24,2)) AS total_ventes, count(*) AS nb_transactions, sum(CAST(quantite AS BIGINT)) AS quantite_totale
      FROM silver_transactions WHERE ${where} GROUP BY produit`,
    add: 't.total_ventes = t.total_ventes + n.total_ventes, t.nb_transactions = t.nb_transactions + n.nb_transactions, t.quantite_totale = t.quantite_totale + n.quantite_totale',
  },
  status_code_counts: {
    key: 'status_code',
    columns: 'status_code INT, count_requests BIGINT',
    aggregate: (where) => `SELECT status_code, count(*) AS count_requests FROM silver_server_logs WHERE ${where} GROUP BY status_code`,
    add: 't.count_requests = t.count_requests + n.count_requests',
  },
  avg_likes_per_product: {
    key: 'contenu',
    columns: 'contenu STRING, avg_likes DECIMAL(21,2), nb_posts BIGINT, sum_likes DECIMAL(38,0)',
    aggregate: (where) => `SELECT contenu, ${avgLikes('sum(likes)', 'count(*)')} AS avg_likes, count(*) AS nb_posts, CAST(sum(likes) AS DECIMAL(38,0)) AS sum_likes
      FROM silver_social_posts WHERE ${where} GROUP BY contenu`,
    add: `t.avg_likes = ${avgLikes('t.sum_likes + n.sum_likes', 't.nb_posts + n.nb_posts')}, t.nb_posts = t.nb_posts + n.nb_posts, t.sum_likes = t.sum_likes + n.sum_likes`,
  },
  campaign_metrics: {
    key: 'campaign_id',
    columns: 'campaign_id STRING, total_clicks BIGINT, total_impressions BIGINT, ctr DECIMAL(25,4)',
    aggregate: (where) => `SELECT campaign_id, count_if(event_type = 'click') AS total_clicks, count_if(event_type = 'impression') AS total_impressions,
      ${ctr("count_if(event_type = 'click')", "count_if(event_type = 'impression')")} AS ctr
      FROM silver_ad_events WHERE ${where} GROUP BY campaign_id`,
    add: `t.ctr = ${ctr('t.total_clicks + n.total_clicks', 't.total_impressions + n.total_impressions')}, t.total_clicks = t.total_clicks + n.total_clicks, t.total_impressions = t.total_impressions + n.total_impressions`,
  },
};

// (Arguments are expressions: each is used in parentheses.)
function avgLikes(sum: string, count: string): string {
  return `CAST((200 * CAST((${sum}) AS DECIMAL(38, 0)) + (${count})) div (2 * (${count})) * 0.01 AS DECIMAL(21, 2))`;
}
function ctr(clicks: string, impressions: string): string {
  return `CASE WHEN (${impressions}) > 0 THEN round(CAST((${clicks}) AS DECIMAL(20,0)) / (${impressions}), 4) END`;
}

const scale = parseScale(process.argv[2]);
const lake = await createBenchLake(scale);
const { config } = lake;
const hdfs = new WebHdfs(config.webHdfs);
const seconds = (from: number) => (performance.now() - from) / 1000;
let session: SparkSession | undefined;
try {
  await runBronze(config);
  await runSilver(config);
  const firstDay = new Set((await new RunStore(hdfs, hdfsPath(config.lakeRoot)).succeeded('bronze')).map((run) => run.runId));
  await lake.addSecondDay();
  await runBronze(config);
  await runSilver(config);
  const newBatches = (await new RunStore(hdfs, hdfsPath(config.lakeRoot)).succeeded('bronze')).filter((run) => !firstDay.has(run.runId));
  const owned = `batch_id IN (${newBatches.map((run) => `'${run.runId}'`).join(', ')})`;

  session = await SparkSession.connect(config.sparkRemote);
  const spark = session;
  const silver = await new LayerPointer(hdfs, hdfsPath(config.lakeRoot), 'silver').current();
  if (!silver) throw new Error('no silver published');
  await registerPublishedViews(spark, config, 'silver', silver);
  const table = (strategy: string, metric: GoldTable) => `delta.\`${config.lakeRoot}/bench-gold/${strategy}/${metric}\``;

  const recompute = async () => {
    const started = performance.now();
    await sideBySide(goldTables, async (metric) => {
      const query = await layerSql('gold', metric);
      await spark.sql(`CREATE TABLE IF NOT EXISTS ${table('recompute', metric)} USING delta AS SELECT * FROM (${query}) WHERE false`);
      await spark.sql(`INSERT OVERWRITE ${table('recompute', metric)} SELECT /*+ COALESCE(1) */ * FROM (${query})`);
    });
    return seconds(started);
  };
  const merge = async () => {
    // The state before the second day (not timed): the first day's aggregates.
    await sideBySide(goldTables, async (metric) => {
      const { columns, aggregate } = merged[metric];
      await spark.sql(`CREATE TABLE IF NOT EXISTS ${table('merge', metric)} (${columns}) USING delta`);
      await spark.sql(`INSERT OVERWRITE ${table('merge', metric)} SELECT /*+ COALESCE(1) */ * FROM (${aggregate(`NOT ${owned}`)})`);
    });
    const started = performance.now();
    await sideBySide(goldTables, async (metric) => {
      const { key, aggregate, add } = merged[metric];
      await spark.sql(`MERGE INTO ${table('merge', metric)} t USING (${aggregate(owned)}) n ON t.${key} <=> n.${key}
        WHEN MATCHED THEN UPDATE SET ${add} WHEN NOT MATCHED THEN INSERT *`);
    });
    return seconds(started);
  };

  const times: Record<'recompute' | 'merge', number[]> = { recompute: [], merge: [] };
  for (let round = 0; round < 3; round++) {
    times.recompute.push(await recompute());
    times.merge.push(await merge());
  }
  const differences = await sideBySide(goldTables, async (metric) => {
    const columns = Object.keys(gold[metric].columns).join(', ');
    const differing = await (await spark.sql(`(SELECT ${columns} FROM ${table('merge', metric)} EXCEPT ALL SELECT ${columns} FROM ${table('recompute', metric)})
      UNION ALL (SELECT ${columns} FROM ${table('recompute', metric)} EXCEPT ALL SELECT ${columns} FROM ${table('merge', metric)})`)).count();
    return `${metric} ${differing === 0n ? 'equal' : `${differing} rows differ`}`;
  });

  const lines = [
    `Gold after a second day (scale xs files and 1 000 events) on a scale ${scale} lake: ${lake.records.toLocaleString('en')} records a source on the first day`,
    '',
    '| strategy | median of 3 | spread |',
    '| --- | ---: | ---: |',
    `| recompute from the silver snapshot (4 INSERT OVERWRITE) | ${median(times.recompute).toFixed(1)} s | ${spread(times.recompute)} |`,
    `| merge the new batches' aggregates (4 MERGE) | ${median(times.merge).toFixed(1)} s | ${spread(times.merge)} |`,
    '',
    `merge / recompute: ${(median(times.merge) / median(times.recompute)).toFixed(2)}×`,
    `merged tables against recomputed ones: ${differences.join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await session?.close();
  await lake.destroy();
}
