// The four gold metrics as the API serves them: the URL of each, and its columns in the order of
// the contract (docs/data-contract.md, "Gold metrics"). The gold reader, the routes and the
// OpenAPI document are all made from this one declaration.
import type { GoldTable } from '../jobs/gold.js';

export type ColumnType = 'string' | 'integer' | 'number';

export interface GoldColumn {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  description: string;
}

export interface GoldEndpoint {
  table: GoldTable;
  path: string;
  summary: string;
  columns: GoldColumn[];
}

export const goldEndpoints: readonly GoldEndpoint[] = [
  {
    table: 'total_sales_per_product',
    path: '/api/total-sales-per-product',
    summary: 'Total sales per product, sorted by product',
    columns: [
      { name: 'produit', type: 'string', description: 'the product' },
      { name: 'total_ventes', type: 'number', description: 'Σ montant of its valid transactions, rounded half-up to 2 decimals' },
      { name: 'nb_transactions', type: 'integer', description: 'number of valid transactions' },
      { name: 'quantite_totale', type: 'integer', description: 'Σ quantite' },
    ],
  },
  {
    table: 'status_code_counts',
    path: '/api/status-code-counts',
    summary: 'Requests per HTTP status code, sorted by status code',
    columns: [
      { name: 'status_code', type: 'integer', description: 'HTTP status code, 100–599' },
      { name: 'count_requests', type: 'integer', description: 'number of valid log lines with that status' },
    ],
  },
  {
    table: 'avg_likes_per_product',
    path: '/api/avg-likes-per-product',
    summary: 'Average likes per product (contenu), sorted by product',
    columns: [
      { name: 'contenu', type: 'string', description: 'the product or subject of the posts' },
      { name: 'avg_likes', type: 'number', description: 'mean likes, rounded half-up to 2 decimals' },
      { name: 'nb_posts', type: 'integer', description: 'number of valid posts' },
    ],
  },
  {
    table: 'campaign_metrics',
    path: '/api/campaign-metrics',
    summary: 'Clicks and impressions per ad campaign, sorted by campaign',
    columns: [
      { name: 'campaign_id', type: 'string', description: 'the campaign' },
      { name: 'total_clicks', type: 'integer', description: 'click events' },
      { name: 'total_impressions', type: 'integer', description: 'impression events' },
      { name: 'ctr', type: 'number', nullable: true, description: 'clicks / impressions to 4 decimals; null without impressions' },
    ],
  },
];

export type MetricRow = Record<string, string | number | null>;

/**
 * A row as Spark returns it (bigint for BIGINT, exact strings for DECIMAL) as the API's JSON
 * values: numbers are JSON numbers, keys in the contract's order.
 */
export function toMetricRow(endpoint: GoldEndpoint, row: Record<string, unknown>): MetricRow {
  const out: MetricRow = {};
  for (const column of endpoint.columns) {
    const value = row[column.name];
    if (value === null || value === undefined) {
      if (!column.nullable) throw new Error(`gold ${endpoint.table}: column ${column.name} is null`);
      out[column.name] = null;
    } else if (column.type === 'string') {
      out[column.name] = String(value);
    } else {
      const number = Number(value);
      if (!Number.isFinite(number)) throw new Error(`gold ${endpoint.table}: column ${column.name} holds ${String(value)}, not a number`);
      out[column.name] = number;
    }
  }
  return out;
}
