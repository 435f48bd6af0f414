// Silver: the unit prices transactions were made at — the distribution of `prix`.
import type { TopLevelSpec } from 'vega-lite';
import { histogramChart, type Histogram } from './histogram.js';

export function priceChart(histogram: Histogram): TopLevelSpec {
  return histogramChart(histogram, { title: 'Unit price of transactions', value: 'Unit price (€)', counted: 'Transactions', format: ',.0f', unit: ' €' });
}
