// `lake demo` (`npm run demo`): everything on one machine, from nothing. It grows with the
// project: today it starts the embedded stack, generates sample data, produces ad events to
// Kafka, runs bronze → silver → gold on the cluster, and shows the gold metrics.
// A second run reuses the stack and the data: it generates and produces nothing new.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig, type LakeConfig } from '../config.js';
import { produceAdEvents } from '../kafka/produce-ad-events.js';
import { expectedFilePath, generateSample } from '../sample/index.js';
import { SparkSession } from '../spark/index.js';
import { cellText } from '../spark/row-format.js';
import { createProgressBar } from '../spark/progress-bar.js';
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
    const rows = await (await session.sql(query)).collect({ onProgress: progress.onProgress });
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

export function demoCommand(): Command {
  return new Command('demo')
    .description('start the embedded stack, generate sample data, produce ad events, run bronze → silver → gold and show the metrics (what `npm run demo` does)')
    .action(async () => {
      const config = loadConfig();
      say('Starting the embedded stack (HDFS, Kafka, Spark standalone, Spark Connect)…');
      const statuses = await stackUp(config, note);
      say(formatTable(['component', 'pid', 'address', 'state'], statuses.map((s) => [s.name, String(s.pid ?? '-'), s.address, s.state])));

      await sampleInput(config);
      await sampleAdEvents(config);

      const progress = createProgressBar();
      const execution = { onProgress: progress.onProgress };
      try {
        say('\nBronze: landing new files (through WebHDFS) and new ad events (through Spark)…');
        printBronzeSummary(await runBronze(config, { execution, log: note }));
        progress.stop();
        say('\nSilver: cleaning every source on the cluster, invalid records quarantined with a reason…');
        printSilverSummary(await runSilver(config, { execution, log: note }));
        progress.stop();
        say('\nGold: the four metrics, published atomically…');
        printGoldSummary(await runGold(config, { execution, log: note }));
      } finally {
        progress.stop();
      }

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
      say('\nTry it yourself:');
      say('  npm run lake -- runs                 # the run history');
      say('  npm run produce -- --count 5000 && npm run job:all');
      say('  npm run lake -- sql "SELECT * FROM silver_transactions_quarantine LIMIT 10"');
      say('  npm run stack:down                   # stops the stack; its data is kept');
    });
}
