// Silver: how many units a transaction buys — the distribution of `quantite`.
import type { TopLevelSpec } from 'vega-lite';
import { histogramChart, type Histogram } from './histogram.js';

export function quantityChart(histogram: Histogram): TopLevelSpec {
  return histogramChart(histogram, { title: 'Units per transaction', value: 'Units bought (quantite)', counted: 'Transactions', format: ',d', unit: ' units' });
}
