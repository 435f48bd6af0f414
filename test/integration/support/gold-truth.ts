// The published gold of a lake against the truth the generator and the producer computed on their
// own: the four metrics, row for row.
import { expect } from 'vitest';
import type { LakeConfig } from '../../../control/config.js';
import { WebHdfs, hdfsPath } from '../../../control/hdfs/webhdfs.js';
import type { ProduceAdEventsReport } from '../../../control/kafka/produce-ad-events.js';
import { LayerPointer, tableUri } from '../../../control/runs/published.js';
import type { ExpectedFiles } from '../../../control/sample/index.js';
import { SparkSession } from '@lake/spark-connect';
import { goldTables } from '../../../jobs/gold.js';

/**
 * Each gold table as the pointer publishes it, as plain JSON values in file order; read in
 * `session`, or in a session of its own (a fault test's, after a restart).
 */
export async function publishedGold(config: LakeConfig, session?: SparkSession): Promise<Record<string, Record<string, unknown>[]>> {
  const current = await new LayerPointer(new WebHdfs(config.webHdfs), hdfsPath(config.lakeRoot), 'gold').current();
  const reading = session ?? (await SparkSession.connect(config.sparkRemote));
  try {
    const tables: Record<string, Record<string, unknown>[]> = {};
    for (const table of goldTables) {
      const published = current?.tables[table];
      const rows = published ? await reading.read.format('delta').option('versionAsOf', published.version).load(tableUri(config, published)).collect() : [];
      tables[table] = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    }
    return tables;
  } finally {
    if (!session) await reading.close();
  }
}

/** The lake's published gold equals the generator's and the producer's truth. */
export async function expectGoldEqualsTruth(config: LakeConfig, expected: ExpectedFiles, produced: ProduceAdEventsReport, session?: SparkSession): Promise<void> {
  const gold = await publishedGold(config, session);
  expect(gold.total_sales_per_product).toEqual(expected.gold.total_sales_per_product);
  expect(gold.status_code_counts).toEqual(expected.gold.status_code_counts);
  expect(gold.avg_likes_per_product).toEqual(expected.gold.avg_likes_per_product);
  expect(gold.campaign_metrics?.map(({ campaign_id, total_clicks, total_impressions }) => ({ campaign_id, total_clicks, total_impressions }))).toEqual(
    produced.expected.gold.campaign_metrics,
  );
}
