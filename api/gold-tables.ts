// The four gold metrics as the API serves them: the URL of each (its table's name, in kebab
// case) and its columns in the order of the contract, all from the lake's table catalog
// (jobs/catalog.ts). The gold reader, the routes and the OpenAPI document are made from these.
import { gold, goldTables, jsonType, type Columns, type GoldTable, type JsonType } from '../jobs/catalog.js';

export type ColumnType = JsonType;

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

export const goldEndpoints: readonly GoldEndpoint[] = goldTables.map((table) => {
  const metric = gold[table];
  const nullable: readonly string[] = 'nullable' in metric ? metric.nullable : [];
  const about: Readonly<Record<string, string>> = metric.about;
  return {
    table,
    path: `/api/${table.replaceAll('_', '-')}`,
    summary: metric.summary,
    columns: Object.entries(metric.columns as Columns).map(([name, sqlType]) => ({
      name,
      type: jsonType(sqlType),
      ...(nullable.includes(name) ? { nullable: true } : {}),
      description: about[name] ?? '',
    })),
  };
});

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
