// The catalogue of the lake's charts: a name (its files' base name), the layer it shows, and its
// spec built from the rows Spark gave. The order is the order of the index page.
import type { TopLevelSpec } from 'vega-lite';
import type { GoldRows } from './data/gold.js';
import type { SilverAggregates } from './data/silver.js';
import { avgLikesChart, campaignChart, statusCodeChart, totalSalesChart } from './gold/index.js';
import { adEventsChart } from './silver/ad-events.js';
import { likesBoxPlotChart } from './silver/likes-box-plot.js';
import { priceChart } from './silver/price-histogram.js';
import { quantityChart } from './silver/quantity-histogram.js';
import { quarantineChart } from './silver/quarantine.js';
import { requestsOverTimeChart } from './silver/requests-over-time.js';
import { revenueChart } from './silver/revenue.js';

export type ChartLayer = 'gold' | 'silver';

export interface Chart {
  name: string;
  layer: ChartLayer;
  spec: TopLevelSpec;
}

export function lakeCharts(gold: GoldRows, silver: SilverAggregates, top?: number): Chart[] {
  return [
    { name: 'gold-total-sales', layer: 'gold', spec: totalSalesChart(gold.totalSales, { top }) },
    { name: 'gold-status-codes', layer: 'gold', spec: statusCodeChart(gold.statusCodes) },
    { name: 'gold-avg-likes', layer: 'gold', spec: avgLikesChart(gold.avgLikes, { top }) },
    { name: 'gold-campaigns', layer: 'gold', spec: campaignChart(gold.campaigns, { top }) },
    { name: 'silver-revenue', layer: 'silver', spec: revenueChart(silver.revenue.rows, silver.revenue.bucket) },
    { name: 'silver-quantities', layer: 'silver', spec: quantityChart(silver.quantities) },
    { name: 'silver-prices', layer: 'silver', spec: priceChart(silver.prices) },
    { name: 'silver-requests', layer: 'silver', spec: requestsOverTimeChart(silver.requests.rows, silver.requests.bucket) },
    { name: 'silver-likes', layer: 'silver', spec: likesBoxPlotChart(silver.likes) },
    { name: 'silver-ad-events', layer: 'silver', spec: adEventsChart(silver.adEvents.rows, silver.adEvents.bucket) },
    { name: 'silver-quarantine', layer: 'silver', spec: quarantineChart(silver.quarantine) },
  ];
}

/** The title a chart's spec gives itself. */
export function chartTitle(spec: TopLevelSpec): string {
  const title = spec.title;
  const text = typeof title === 'object' && !Array.isArray(title) ? title.text : title;
  return Array.isArray(text) ? text.join(' ') : typeof text === 'string' ? text : '';
}

/** How many data points a chart carries inline. */
export function chartPoints(spec: TopLevelSpec): number {
  const data = spec.data;
  return data && 'values' in data && Array.isArray(data.values) ? data.values.length : 0;
}
