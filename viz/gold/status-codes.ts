// Gold: requests per HTTP status code, one bar a code, coloured by class (2xx success, 3xx
// redirect, 4xx client error, 5xx server error), each bar labelled with its count.
import type { TopLevelSpec } from 'vega-lite';
import { statusClassName, statusClassOf, statusClassScale } from '../status-class.js';
import { chartConfig, chartWidth, vegaLiteSchema, wholeNumberAxis } from '../theme.js';
import type { StatusCodeRow } from './rows.js';

export function statusCodeChart(rows: readonly StatusCodeRow[]): TopLevelSpec {
  const bars = [...rows].sort((a, b) => a.status_code - b.status_code).map((row) => ({ ...row, status_class: statusClassName(statusClassOf(row.status_code)) }));
  const total = rows.reduce((sum, r) => sum + r.count_requests, 0);
  const errors = rows.filter((r) => r.status_code >= 400).reduce((sum, r) => sum + r.count_requests, 0);
  return {
    $schema: vegaLiteSchema,
    title: {
      text: 'Requests per status code',
      subtitle: `${total.toLocaleString('en-US')} requests, ${total > 0 ? ((100 * errors) / total).toFixed(1) : '0.0'} % of them errors (4xx or 5xx)`,
    },
    config: chartConfig,
    width: { step: Math.max(24, Math.min(48, chartWidth / Math.max(1, bars.length))) },
    height: 320,
    data: { values: bars },
    encoding: {
      x: { field: 'status_code', type: 'ordinal', title: 'HTTP status code', sort: 'ascending', axis: { labelAngle: 0 } },
      y: { field: 'count_requests', type: 'quantitative', title: 'Requests', axis: wholeNumberAxis() },
      tooltip: [
        { field: 'status_code', title: 'Status code' },
        { field: 'status_class', title: 'Class' },
        { field: 'count_requests', title: 'Requests', format: ',d' },
      ],
    },
    layer: [
      {
        mark: 'bar',
        encoding: { color: { field: 'status_class', type: 'nominal', title: 'Class', scale: statusClassScale(bars.map((b) => b.status_class)) } },
      },
      { mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10, color: '#333' }, encoding: { text: { field: 'count_requests', format: ',d' } } },
    ],
  };
}
