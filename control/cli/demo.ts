// `lake demo` (`npm run demo`, through scripts/demo.mjs): everything on one machine, from nothing.
// It starts the embedded stack, generates sample data, produces ad events to Kafka, runs
// bronze → silver → gold on the cluster, shows the gold metrics, writes the charts, creates a demo
// user and serves the API until Ctrl-C.
// A second run reuses the stack and the data: it generates and produces nothing new, and silver and
// gold, being incremental, find nothing new to do (--rerun rebuilds them from all of bronze).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { loadApiConfig } from '../../api/config.js';
import { startApi } from '../../api/server.js';
import { UserStore } from '../../api/users.js';
import { writeCharts } from '../../viz/write-charts.js';
import { loadConfig, type LakeConfig } from '../config.js';
import { produceAdEvents } from '../kafka/produce-ad-events.js';
import { expectedFilePath, generateSample } from '../sample/index.js';
import { SparkSession } from '@lake/spark-connect';
import { cellText } from './row-format.js';
import { createProgressBar } from './progress-bar.js';
import { stackUp } from '../stack/stack.js';
import { runBronze } from '../../jobs/bronze.js';
import { runGold } from '../../jobs/gold.js';
import { registerLakeViews } from '../../jobs/lake-views.js';
import { runSilver } from '../../jobs/silver.js';
import { printBronzeSummary, printGoldSummary, printSilverSummary } from './job.js';
import { formatTable } from './table.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

async function show(session: SparkSession, title: string, query: string): Promise<void> {
  const progress = createProgressBar();
  try {
    const rows = await session.query(query).collect({ onProgress: progress.onProgress });
    progress.stop();
    const columns = Object.keys(rows[0] ?? {});
    say(`\n${title}\n`);
    say(formatTable(columns, rows.map((row) => columns.map((c) => cellText(row[c])))));
  } finally {
    progress.stop();
  }
}

async function sampleInput(config: LakeConfig): Promise<void> {
  if (existsSync(path.join(config.inputDir, expectedFilePath))) {
    say(`\nSample files already in ${config.inputDir}: reusing them.`);
    return;
  }
  say(`\nGenerating sample files (scale s: 100 000 records a source) in ${config.inputDir}…`);
  const summary = await generateSample({ outDir: config.inputDir, scale: 's', seed: 1, dirtyRate: 0.02, force: false });
  say(formatTable(['source', 'files', 'records', 'of which invalid'], summary.sources.map((s) => [s.table, String(s.files), String(s.records), String(s.quarantined)])));
}

async function sampleAdEvents(config: LakeConfig): Promise<void> {
  const expected = path.join(config.inputDir, '_expected');
  const produced = existsSync(expected) && (await readdir(expected)).some((name) => name.startsWith('ad-events-'));
  if (produced) {
    say('\nAd events were produced by an earlier demo: producing no more (`npm run produce` sends more).');
    return;
  }
  say(`\nProducing 100 000 ad events to Kafka topic ${config.kafkaTopic}…`);
  const report = await produceAdEvents(config, { count: 100_000, partitions: 3, dirtyRate: 0.02, seed: 1, log: note });
  say(`acknowledged ${report.expected.bronze_records} events (${report.expected.quarantined} of them invalid on purpose)`);
}

async function runPipeline(config: LakeConfig, rerun: boolean): Promise<void> {
  const progress = createProgressBar();
  const execution = { onProgress: progress.onProgress };
  try {
    say('\nBronze: landing new files (through WebHDFS) and new ad events (through Spark)…');
    const bronze = await runBronze(config, { execution, log: note });
    printBronzeSummary(bronze);
    progress.stop();
    say(`\nSilver: cleaning ${rerun ? 'all of bronze again' : 'the new bronze batches'} on the cluster, invalid records quarantined with a reason…`);
    printSilverSummary(await runSilver(config, { execution, log: note, fullRefresh: rerun }));
    progress.stop();
    say('\nGold: the four metrics from the published silver, published atomically…');
    printGoldSummary(await runGold(config, { execution, log: note, fullRefresh: rerun }));
  } finally {
    progress.stop();
  }
}

async function showMetrics(config: LakeConfig): Promise<void> {
  const session = await SparkSession.connect(config.sparkRemote);
  try {
    say(`\nConnected to Spark ${await session.version()} at ${session.remote} (master ${config.sparkMaster}).`);
    await registerLakeViews(session, config);
    await show(session, 'Top products by sales (gold_total_sales_per_product):', 'SELECT * FROM gold_total_sales_per_product ORDER BY total_ventes DESC LIMIT 5');
    await show(session, 'Requests per status code (gold_status_code_counts):', 'SELECT * FROM gold_status_code_counts ORDER BY status_code');
    await show(session, 'Average likes per product (gold_avg_likes_per_product):', 'SELECT * FROM gold_avg_likes_per_product ORDER BY avg_likes DESC LIMIT 5');
    await show(session, 'Ad campaigns (gold_campaign_metrics):', 'SELECT * FROM gold_campaign_metrics ORDER BY campaign_id');
    await show(
      session,
      'Why records were quarantined (silver_*_quarantine):',
      `SELECT source, reason, count(*) AS records FROM (
         SELECT 'transactions' AS source, reason FROM silver_transactions_quarantine
         UNION ALL SELECT 'server_logs', reason FROM silver_server_logs_quarantine
         UNION ALL SELECT 'social_posts', reason FROM silver_social_posts_quarantine
         UNION ALL SELECT 'ad_events', reason FROM silver_ad_events_quarantine)
       GROUP BY source, reason ORDER BY source, records DESC LIMIT 12`,
    );
  } finally {
    await session.close();
  }
}

/** The `demo` user, with a new random password each run: it is printed once and kept nowhere. */
async function demoUser(usersDb: string): Promise<{ username: string; password: string }> {
  const username = 'demo';
  const password = randomBytes(12).toString('base64url');
  const users = new UserStore(usersDb);
  try {
    if (users.list().some((user) => user.username === username)) await users.setPassword(username, password);
    else await users.create(username, password);
  } finally {
    users.close();
  }
  return { username, password };
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('start the embedded stack, generate sample data, produce ad events, run bronze → silver → gold, write the charts and serve the API (what `npm run demo` does)')
    .option('--rerun', 'rebuild silver and gold from all of bronze (a full refresh), even when nothing new landed')
    .option('--no-serve', 'stop after the charts, without starting the API')
    .action(async (options: { rerun?: boolean; serve: boolean }) => {
      say('Starting the embedded stack (HDFS, Kafka, Spark standalone, Spark Connect)…');
      const statuses = await stackUp(loadConfig(), note);
      say(formatTable(['component', 'pid', 'address', 'state'], statuses.map((s) => [s.name, String(s.pid ?? '-'), s.address, s.state])));
      // Read after `stack up`: on a fresh clone, it is what makes the Connect token the default address carries.
      const config = loadConfig();

      await sampleInput(config);
      await sampleAdEvents(config);
      await runPipeline(config, options.rerun ?? false);
      await showMetrics(config);

      say(`\nCharts: aggregating silver and gold on the cluster, writing ${config.chartsDir}…`);
      const charts = await writeCharts(config, { outDir: config.chartsDir, log: note });
      say(`${charts.charts.length} charts of gold ${charts.goldVersion.runId}`);
      if (!options.serve) {
        say(`\nOpen the charts: ${pathToFileURL(charts.index).href}`);
        return;
      }

      const apiConfig = loadApiConfig(process.env, config.homeDir);
      const user = await demoUser(apiConfig.usersDb);
      const api = await startApi(config, apiConfig, (line) => note(`[api] ${line}`));
      const login = JSON.stringify({ username: user.username, password: user.password });
      say(`
The lake is ready.
  Charts      ${pathToFileURL(charts.index).href}
  Dashboard   ${api.url}/dashboard/   (user ${user.username}, password ${user.password} — shown this once)
  API schema  ${api.url}/api/schema/

Get a token and call the API (paste into bash):
  TOKEN=$(curl -s -X POST ${api.url}/api/token/ -H 'Content-Type: application/json' -d '${login}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access') && curl -s -H "Authorization: Bearer $TOKEN" ${api.url}/api/total-sales-per-product/

More:
  npm run lake -- runs                 # the run history
  npm run produce -- --count 5000 && npm run job:all    # new events; the API serves the new gold by itself
  npm run lake -- sql "SELECT * FROM silver_transactions_quarantine LIMIT 10"

Ctrl-C stops the API; npm run stack:down stops the stack (its data is kept).`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await api.close();
      say('\nAPI stopped. The stack is still running: npm run stack:down stops it.');
    });
}
