// Gold: total sales per product, as horizontal bars sorted from the best seller down; beyond the
// top N the products are summed into one grey "others" bar, kept last.
import type { TopLevelSpec } from 'vega-lite';
import { rankedBarsChart } from './ranked-bars.js';
import { othersLabel, topN, type TopOptions } from '../top-n.js';
import type { TotalSalesRow } from './rows.js';

export function totalSalesChart(rows: readonly TotalSalesRow[], options: TopOptions = {}): TopLevelSpec {
  const { top, rest } = topN(rows, options.top ?? 20, (r) => r.total_ventes, (r) => r.produit);
  const bars = top.map((row, rank) => ({ ...row, rank, others: false }));
  if (rest.length > 0) {
    bars.push({
      produit: othersLabel('products', rest.length),
      total_ventes: round2(rest.reduce((sum, r) => sum + r.total_ventes, 0)),
      nb_transactions: rest.reduce((sum, r) => sum + r.nb_transactions, 0),
      quantite_totale: rest.reduce((sum, r) => sum + r.quantite_totale, 0),
      rank: bars.length,
      others: true,
    });
  }
  const total = rows.reduce((sum, r) => sum + r.total_ventes, 0);
  return rankedBarsChart({
    title: {
      text: 'Total sales per product',
      subtitle: `${euros(total)} over ${rows.length} products${rest.length > 0 ? `; the ${top.length} best sellers, the others summed up` : ''}`,
    },
    bars,
    category: 'produit',
    value: { field: 'total_ventes', title: 'Sales (€)', axisFormat: ',.0f', labelFormat: ',.0f' },
    tooltip: [
      { field: 'produit', title: 'Product' },
      { field: 'total_ventes', title: 'Sales (€)', format: ',.2f' },
      { field: 'nb_transactions', title: 'Transactions', format: ',d' },
      { field: 'quantite_totale', title: 'Units sold', format: ',d' },
    ],
  });
}

/** Money is summed in cents' precision: JS adds floats, the contract rounds to 2 decimals. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function euros(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} €`;
}
