// Silver: what the cleaning rejected, per source and reason code (docs/data-contract.md, the
// first rule a record broke): one panel per source, largest reason first, each bar labelled.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, vegaLiteSchema, wholeNumberAxis } from '../theme.js';

export interface QuarantineRow {
  /** The silver table whose quarantine it is: transactions, server_logs, ... */
  source: string;
  reason: string;
  records: number;
}

const rejectedColor = '#e45756';

export function quarantineChart(rows: readonly QuarantineRow[]): TopLevelSpec {
  const total = rows.reduce((sum, r) => sum + r.records, 0);
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const ranked = [...rows].sort((a, b) => b.records - a.records || a.reason.localeCompare(b.reason)).map((row, rank) => ({ ...row, rank }));
  // One concatenated panel per source rather than a facet: a facet of layers with independent
  // scales makes vega-lite guess which data source each layer reads (and warn about it).
  const panel = (source: string) => {
    const records = rows.filter((r) => r.source === source).reduce((sum, r) => sum + r.records, 0);
    return {
      title: { text: `${source}: ${records.toLocaleString('en-US')} records`, fontSize: 13 },
      transform: [{ filter: { field: 'source', equal: source } }],
      width: 480,
      height: { step: 18 },
      encoding: {
        y: { field: 'reason', type: 'nominal' as const, title: null, sort: { field: 'rank', op: 'min' as const } },
        x: { field: 'records', type: 'quantitative' as const, title: 'Records quarantined', axis: wholeNumberAxis() },
        tooltip: [
          { field: 'source', title: 'Source' },
          { field: 'reason', title: 'Reason' },
          { field: 'records', type: 'quantitative' as const, title: 'Records', format: ',d' },
        ],
      },
      layer: [
        { mark: { type: 'bar' as const, color: rejectedColor } },
        { mark: { type: 'text' as const, align: 'left' as const, dx: 3, fontSize: 10, color: '#333' }, encoding: { text: { field: 'records', format: ',d' } } },
      ],
    };
  };
  return {
    $schema: vegaLiteSchema,
    title: {
      text: 'Rejected records per source and reason',
      subtitle: `${total.toLocaleString('en-US')} records quarantined by the silver cleaning, each with the first rule it broke`,
    },
    config: chartConfig,
    data: { values: ranked },
    vconcat: sources.map(panel),
  };
}
