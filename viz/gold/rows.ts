// The rows of the gold metrics as the API serves them (docs/data-contract.md): the contract's
// JSON keys, numbers as JS numbers, typed from the table catalog (jobs/catalog.ts). The chart
// builders take these, whoever read them.
import type { GoldRow } from '../../jobs/catalog.js';

/** total_ventes: Σ montant, in euros. */
export type TotalSalesRow = GoldRow<'total_sales_per_product'>;
export type StatusCodeRow = GoldRow<'status_code_counts'>;
export type AvgLikesRow = GoldRow<'avg_likes_per_product'>;
/** ctr: clicks / impressions; null without impressions. */
export type CampaignRow = GoldRow<'campaign_metrics'>;
