// The four gold metrics as the rows the chart builders take (the API's JSON shape): Spark's
// BIGINT and DECIMAL turned into JS numbers. Gold tables are small: one row per product,
// status code or campaign.
import type { Row, SparkSession } from '../../control/spark/index.js';
import type { AvgLikesRow, CampaignRow, StatusCodeRow, TotalSalesRow } from '../gold/rows.js';

export interface GoldRows {
  totalSales: TotalSalesRow[];
  statusCodes: StatusCodeRow[];
  avgLikes: AvgLikesRow[];
  campaigns: CampaignRow[];
}

export async function readGold(session: SparkSession): Promise<GoldRows> {
  const rows = async (table: string) => (await session.sql(`SELECT * FROM gold_${table}`)).collect();
  const [totalSales, statusCodes, avgLikes, campaigns] = await Promise.all(
    ['total_sales_per_product', 'status_code_counts', 'avg_likes_per_product', 'campaign_metrics'].map(rows),
  );
  return {
    totalSales: numbers<TotalSalesRow>(totalSales, ['total_ventes', 'nb_transactions', 'quantite_totale']),
    statusCodes: numbers<StatusCodeRow>(statusCodes, ['status_code', 'count_requests']),
    avgLikes: numbers<AvgLikesRow>(avgLikes, ['avg_likes', 'nb_posts']),
    campaigns: numbers<CampaignRow>(campaigns, ['total_clicks', 'total_impressions', 'ctr']),
  };
}

/** The rows with the given columns as numbers (null kept), every other column as it came. */
export function numbers<T>(rows: readonly Row[] | undefined, columns: readonly string[]): T[] {
  return (rows ?? []).map((row) => {
    const converted: Record<string, unknown> = { ...row };
    for (const column of columns) converted[column] = row[column] === null ? null : Number(row[column]);
    return converted as T;
  });
}
