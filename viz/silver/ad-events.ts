// Silver: ad events over time (per hour, or finer for a short stream), one panel per event type.
// Clicks are a few percent of impressions: each panel has its own scale, or clicks would vanish.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, chartWidth, vegaLiteSchema, wholeNumberAxis } from '../theme.js';
import { periodAxis, periodTooltip, type TimeBucket } from '../time-buckets.js';

export interface AdEventsRow {
  /** Start of the bucket, epoch milliseconds (UTC). */
  period: number;
  event_type: string;
  events: number;
}

export function adEventsChart(rows: readonly AdEventsRow[], bucket: TimeBucket): TopLevelSpec {
  const count = (type: string) => rows.filter((r) => r.event_type === type).reduce((sum, r) => sum + r.events, 0);
  return {
    $schema: vegaLiteSchema,
    title: {
      text: `Ad events per ${bucket.name}, by type`,
      subtitle: `${count('impression').toLocaleString('en-US')} impressions and ${count('click').toLocaleString('en-US')} clicks from the Kafka stream; each panel has its own scale`,
    },
    config: chartConfig,
    data: { values: rows },
    facet: { row: { field: 'event_type', type: 'nominal', title: null, sort: ['impression', 'click'], header: { labelExpr: "datum.value + 's'", labelOrient: 'top' } } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: chartWidth,
      height: 140,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: periodAxis,
        y: { field: 'events', type: 'quantitative', title: `Events per ${bucket.name}`, axis: wholeNumberAxis(',d', { tickCount: 4 }) },
        color: { field: 'event_type', type: 'nominal', legend: null, scale: { domain: ['impression', 'click'], range: ['#4c78a8', '#f58518'] } },
        tooltip: [periodTooltip(bucket), { field: 'event_type', title: 'Type' }, { field: 'events', type: 'quantitative', title: 'Events', format: ',d' }],
      },
    },
  };
}
