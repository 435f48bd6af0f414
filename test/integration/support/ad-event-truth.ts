// The producers' truth about the ad events, summed over runs, and what the lake holds of them: an
// integration test of the stream compares the two. Each run of the producer tallies what Kafka
// acknowledged (its expected file); runs of different seeds never share an event id, so the lake
// must hold the sum.
import { expect } from 'vitest';
import type { LakeConfig } from '../../../control/config.js';
import { WebHdfs, hdfsPath } from '../../../control/hdfs/webhdfs.js';
import type { ExpectedAdEvents, ExpectedCampaignMetrics } from '../../../control/kafka/expected.js';
import { LayerPointer, publishedTableSql } from '../../../control/runs/published.js';
import { SparkSession, type Row } from '@lake/spark-connect';
import { adEventsTable } from '../../../jobs/bronze/kafka-source.js';

export interface AdEventHoldings {
  /** Records in bronze, and distinct (partition, offset) among them. */
  bronze: { records: number; distinct: number };
  silverRows: number;
  quarantine: Record<string, number>;
  campaigns: ExpectedCampaignMetrics[];
}

/** What a run of records must give: a producer's expected file, or a hand-written case. */
export type AdEventTally = Pick<ExpectedAdEvents, 'bronze_records' | 'silver_rows' | 'quarantine' | 'gold'>;

/** The producers' holdings: bronze gets every acknowledged record once, silver and gold their tallies summed. */
export function producersTruth(produced: readonly AdEventTally[]): AdEventHoldings {
  const acknowledged = produced.reduce((sum, run) => sum + run.bronze_records, 0);
  const quarantine: Record<string, number> = {};
  for (const [reason, count] of produced.flatMap((run) => Object.entries(run.quarantine))) quarantine[reason] = (quarantine[reason] ?? 0) + (count ?? 0);
  const campaigns = new Map<string, ExpectedCampaignMetrics>();
  for (const row of produced.flatMap((run) => run.gold.campaign_metrics)) {
    const sum = campaigns.get(row.campaign_id) ?? { campaign_id: row.campaign_id, total_clicks: 0, total_impressions: 0 };
    sum.total_clicks += row.total_clicks;
    sum.total_impressions += row.total_impressions;
    campaigns.set(row.campaign_id, sum);
  }
  return {
    bronze: { records: acknowledged, distinct: acknowledged },
    silverRows: produced.reduce((sum, run) => sum + run.silver_rows, 0),
    quarantine,
    campaigns: [...campaigns.values()].sort((a, b) => (a.campaign_id < b.campaign_id ? -1 : 1)),
  };
}

/** What the published silver and gold hold of the ad events, and what bronze holds of the topic. */
export async function lakeHoldings(session: SparkSession, config: LakeConfig): Promise<AdEventHoldings> {
  const rowsOf = async <T extends Row>(query: string) => (await session.sql(query)).collect<T>();
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const silver = (await new LayerPointer(hdfs, root, 'silver').current())!;
  const gold = (await new LayerPointer(hdfs, root, 'gold').current())!;
  const [silverRows] = await rowsOf<{ n: bigint }>(`SELECT count(*) AS n FROM ${publishedTableSql(config, silver, 'ad_events')}`);
  const reasons = await rowsOf<{ reason: string; n: bigint }>(`SELECT reason, count(*) AS n FROM ${publishedTableSql(config, silver, 'ad_events_quarantine')} GROUP BY reason`);
  const campaigns = await rowsOf<{ campaign_id: string; total_clicks: bigint; total_impressions: bigint }>(
    `SELECT campaign_id, total_clicks, total_impressions FROM ${publishedTableSql(config, gold, 'campaign_metrics')} ORDER BY campaign_id`,
  );
  // Each Kafka record once: a record is its partition and offset.
  const [bronze] = await rowsOf<{ n: bigint; distinct_records: bigint }>(
    `SELECT count(*) AS n, count(DISTINCT partition, offset) AS distinct_records FROM delta.\`${adEventsTable(config)}\``,
  );
  return {
    bronze: { records: Number(bronze?.n), distinct: Number(bronze?.distinct_records) },
    silverRows: Number(silverRows?.n),
    quarantine: Object.fromEntries(reasons.map((row) => [row.reason, Number(row.n)])),
    campaigns: campaigns.map((row) => ({ campaign_id: row.campaign_id, total_clicks: Number(row.total_clicks), total_impressions: Number(row.total_impressions) })),
  };
}

/** The lake's ad events equal the producers' tallies; read in `session`, or in a session of its own (a fault test's, after a restart). */
export async function expectLakeHoldsWhatWasProduced(config: LakeConfig, produced: readonly AdEventTally[], session?: SparkSession): Promise<void> {
  const reading = session ?? (await SparkSession.connect(config.sparkRemote));
  try {
    expect(await lakeHoldings(reading, config)).toEqual(producersTruth(produced));
  } finally {
    if (!session) await reading.close();
  }
}
