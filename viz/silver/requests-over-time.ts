// Silver: web requests over time, stacked by status class, so that a wave of errors stands out
// against the traffic. Spark fills the buckets where a class had no request with 0 (see
// viz/data/silver.ts): a stack with holes would be drawn wrong.
import type { TopLevelSpec } from 'vega-lite';
import { statusClassName, statusClassScale, type StatusClass } from '../status-class.js';
import { chartConfig, chartWidth, vegaLiteSchema, wholeNumberAxis } from '../theme.js';
import { periodAxis, periodTooltip, type TimeBucket } from '../time-buckets.js';

export interface RequestsRow {
  /** Start of the bucket, epoch milliseconds (UTC). */
  period: number;
  status_class: StatusClass;
  requests: number;
}

export function requestsOverTimeChart(rows: readonly RequestsRow[], bucket: TimeBucket): TopLevelSpec {
  const values = rows.map((row) => ({ ...row, status_class: statusClassName(row.status_class), order: row.status_class }));
  const total = rows.reduce((sum, r) => sum + r.requests, 0);
  return {
    $schema: vegaLiteSchema,
    title: {
      text: `Requests per ${bucket.name}, by status class`,
      subtitle: `${total.toLocaleString('en-US')} requests of the valid server-log lines, stacked: success at the bottom, server errors on top`,
    },
    config: chartConfig,
    width: chartWidth,
    height: 300,
    data: { values },
    mark: { type: 'area', tooltip: true, interpolate: 'monotone' },
    encoding: {
      x: periodAxis,
      y: { field: 'requests', type: 'quantitative', stack: 'zero', title: `Requests per ${bucket.name}`, axis: wholeNumberAxis() },
      color: { field: 'status_class', type: 'nominal', title: 'Status class', scale: statusClassScale(values.map((v) => v.status_class)) },
      order: { field: 'order', sort: 'ascending' },
      tooltip: [periodTooltip(bucket), { field: 'status_class', title: 'Status class' }, { field: 'requests', type: 'quantitative', title: 'Requests', format: ',d' }],
    },
  };
}
