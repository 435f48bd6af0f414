// Silver: revenue over time, Σ montant of the valid transactions per bucket of time (per day
// for a few months of data), as a line with a point per bucket.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, chartWidth, mainColor, vegaLiteSchema, wholeNumberAxis } from '../theme.js';
import { periodAxis, periodTooltip, type TimeBucket } from '../time-buckets.js';

export interface RevenueRow {
  /** Start of the bucket, epoch milliseconds (UTC). */
  period: number;
  /** Σ montant, in euros. */
  revenue: number;
  transactions: number;
}

export function revenueChart(rows: readonly RevenueRow[], bucket: TimeBucket): TopLevelSpec {
  const total = rows.reduce((sum, r) => sum + r.revenue, 0);
  return {
    $schema: vegaLiteSchema,
    title: {
      text: `Revenue per ${bucket.name}`,
      subtitle: `Quantity × unit price of the valid transactions, ${Math.round(total).toLocaleString('en-US')} € in all`,
    },
    config: chartConfig,
    width: chartWidth,
    height: 300,
    data: { values: rows },
    mark: { type: 'line', color: mainColor, point: { size: 18, color: mainColor }, tooltip: true },
    encoding: {
      x: periodAxis,
      y: { field: 'revenue', type: 'quantitative', title: 'Revenue (€)', axis: wholeNumberAxis(',.0f') },
      tooltip: [
        periodTooltip(bucket),
        { field: 'revenue', type: 'quantitative', title: 'Revenue (€)', format: ',.2f' },
        { field: 'transactions', type: 'quantitative', title: 'Transactions', format: ',d' },
      ],
    },
  };
}

