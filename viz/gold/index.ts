// The gold charts: pure functions from the rows the API serves to a Vega-Lite spec with the
// data inline. Nothing here touches Node, so the API can serve them to the dashboard.
export type { AvgLikesRow, CampaignRow, StatusCodeRow, TotalSalesRow } from './rows.js';
export type { TopOptions } from '../top-n.js';
export { totalSalesChart } from './total-sales.js';
export { statusCodeChart } from './status-codes.js';
export { avgLikesChart } from './avg-likes.js';
export { campaignChart } from './campaigns.js';
