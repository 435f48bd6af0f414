// A distribution as bars over bins that Spark counted (see viz/data/silver.ts): equal bins of a
// round width from 0 up to the 99th percentile. The far tail would squash every other bar into
// one, so it is left out and the subtitle says how much of the data that is.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, chartWidth, mainColor, vegaLiteSchema, wholeNumberAxis } from '../theme.js';

export interface HistogramBin {
  bin_start: number;
  bin_end: number;
  count: number;
}

export interface Histogram {
  bins: HistogramBin[];
  /** Width of every bin. */
  step: number;
  /** All the values, shown or not. */
  total: number;
}

export interface HistogramLabels {
  title: string;
  /** What a value is, with its unit: "Unit price (€)". */
  value: string;
  /** What is counted: "Transactions". */
  counted: string;
  /** d3 format of a bin edge. */
  format: string;
  unit: string;
}

export function histogramChart({ bins, step, total }: Histogram, labels: HistogramLabels): TopLevelSpec {
  const shown = bins.reduce((sum, bin) => sum + bin.count, 0);
  const hidden = total - shown;
  const upper = bins.at(-1)?.bin_end ?? 0;
  const tail = hidden > 0 ? `; ${hidden.toLocaleString('en-US')} (${((100 * hidden) / total).toFixed(1)} %) above ${upper.toLocaleString('en-US')}${labels.unit} not shown` : '';
  return {
    $schema: vegaLiteSchema,
    title: {
      text: labels.title,
      subtitle: `${total.toLocaleString('en-US')} ${labels.counted.toLowerCase()} in bins of ${step.toLocaleString('en-US')}${labels.unit}${tail}`,
    },
    config: chartConfig,
    width: chartWidth,
    height: 280,
    data: { values: bins },
    mark: { type: 'bar', color: mainColor, binSpacing: 1, tooltip: true },
    encoding: {
      x: { field: 'bin_start', type: 'quantitative', bin: { binned: true, step }, title: labels.value, axis: { format: labels.format } },
      x2: { field: 'bin_end' },
      y: { field: 'count', type: 'quantitative', title: labels.counted, axis: wholeNumberAxis() },
      tooltip: [
        { field: 'bin_start', type: 'quantitative', title: 'From', format: labels.format },
        { field: 'bin_end', type: 'quantitative', title: 'Below', format: labels.format },
        { field: 'count', type: 'quantitative', title: labels.counted, format: ',d' },
      ],
    },
  };
}
