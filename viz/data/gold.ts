// The four gold metrics as the rows the chart builders take (the API's JSON shape): Spark's
// BIGINT and DECIMAL turned into JS numbers. Gold tables are small: one row per product,
// status code or campaign.
import type { Row, SparkSession } from '@lake/spark-connect';
import { goldTables, numericGoldColumns, type GoldTable } from '../../jobs/catalog.js';
import type { AvgLikesRow, CampaignRow, StatusCodeRow, TotalSalesRow } from '../gold/rows.js';

export interface GoldRows {
  totalSales: TotalSalesRow[];
  statusCodes: StatusCodeRow[];
  avgLikes: AvgLikesRow[];
  campaigns: CampaignRow[];
}

export async function readGold(session: SparkSession): Promise<GoldRows> {
  const read = async (table: GoldTable) => [table, numbers(await session.query(`SELECT * FROM gold_${table}`).collect(), numericGoldColumns(table))] as const;
  const rows = Object.fromEntries(await Promise.all(goldTables.map(read))) as Record<GoldTable, unknown[]>;
  return {
    totalSales: rows.total_sales_per_product as TotalSalesRow[],
    statusCodes: rows.status_code_counts as StatusCodeRow[],
    avgLikes: rows.avg_likes_per_product as AvgLikesRow[],
    campaigns: rows.campaign_metrics as CampaignRow[],
  };
}

/** The rows with the given columns as numbers (null kept), every other column as it came. */
export function numbers(rows: readonly Row[] | undefined, columns: readonly string[]): Record<string, unknown>[] {
  return (rows ?? []).map((row) => {
    const converted: Record<string, unknown> = { ...row };
    for (const column of columns) converted[column] = row[column] === null ? null : Number(row[column]);
    return converted;
  });
}
