// The lake's tables, in one place: every layer's tables with their columns and Spark SQL types
// (docs/data-contract.md). The Delta tables are created from it (so Delta enforces the contract's
// schema on every write), and the jobs, the views, the API and the charts take their table and
// column names from it rather than spelling them again.

/** A table's columns, in order: name → Spark SQL type. */
export type Columns = Readonly<Record<string, string>>;

export const silverTables = ['transactions', 'server_logs', 'social_posts', 'ad_events'] as const;
export type SilverTable = (typeof silverTables)[number];

export const goldTables = ['total_sales_per_product', 'status_code_counts', 'avg_likes_per_product', 'campaign_metrics'] as const;
export type GoldTable = (typeof goldTables)[number];

/** Where each silver row came from: the bronze batch that landed it. */
const lineage: Columns = { batch_id: 'STRING' };

/** The contract's columns of each silver table, and its deduplication key (if it has one). */
export const silver: Record<SilverTable, { columns: Columns; key?: string }> = {
  transactions: {
    key: 'transaction_id',
    columns: {
      transaction_id: 'STRING',
      client_id: 'STRING',
      produit: 'STRING',
      quantite: 'INT',
      prix: 'DECIMAL(12,2)',
      date_transaction: 'TIMESTAMP',
      montant: 'DECIMAL(14,2)',
    },
  },
  server_logs: {
    columns: {
      ip: 'STRING',
      ts: 'TIMESTAMP',
      method: 'STRING',
      path: 'STRING',
      protocol: 'STRING',
      status_code: 'INT',
      bytes: 'BIGINT',
      referer: 'STRING',
      user_agent: 'STRING',
    },
  },
  social_posts: {
    key: 'post_id',
    columns: {
      post_id: 'STRING',
      utilisateur: 'STRING',
      contenu: 'STRING',
      texte: 'STRING',
      likes: 'BIGINT',
      partages: 'BIGINT',
      date_publication: 'TIMESTAMP',
    },
  },
  ad_events: {
    key: 'event_id',
    columns: {
      event_id: 'STRING',
      campaign_id: 'STRING',
      ad_id: 'STRING',
      event_type: 'STRING',
      user_id: 'STRING',
      ts: 'TIMESTAMP',
      cost: 'DECIMAL(12,4)',
      kafka_partition: 'INT',
      kafka_offset: 'BIGINT',
    },
  },
};

/** The contract's columns of each silver table, in order (without lineage). */
export const silverColumns = Object.fromEntries(silverTables.map((table) => [table, Object.keys(silver[table].columns)])) as unknown as Record<
  SilverTable,
  readonly string[]
>;

/**
 * A quarantine row: the raw record as bronze has it (its first KiB when it is too large, with its
 * whole size in raw_record_bytes), the first rule it breaks, where it came from, and the run.
 */
export const quarantineColumns: Columns = {
  raw_record: 'STRING',
  raw_record_bytes: 'BIGINT',
  reason: 'STRING',
  batch_id: 'STRING',
  source_file: 'STRING',
  line_number: 'INT',
  element_index: 'INT',
  kafka_partition: 'INT',
  kafka_offset: 'BIGINT',
  run_id: 'STRING',
};

/** What a gold metric is: its key, its columns with their meaning, and which may be null. */
interface GoldMetric {
  /** One line on what the metric is (the API's summary of its endpoint). */
  summary: string;
  key: string;
  columns: Columns;
  /** What each column holds (the API's OpenAPI document shows it). */
  about: Readonly<Record<string, string>>;
  nullable?: readonly string[];
}

/**
 * The gold metrics: key first, then the measures (docs/data-contract.md, "Gold metrics"). The
 * gold jobs, the API (rows, routes, OpenAPI) and the charts are all made from this declaration.
 */
export const gold = {
  total_sales_per_product: {
    summary: 'Total sales per product, sorted by product',
    key: 'produit',
    columns: { produit: 'STRING', total_ventes: 'DECIMAL(24,2)', nb_transactions: 'BIGINT', quantite_totale: 'BIGINT' },
    about: {
      produit: 'the product',
      total_ventes: 'Σ montant of its valid transactions, rounded half-up to 2 decimals',
      nb_transactions: 'number of valid transactions',
      quantite_totale: 'Σ quantite',
    },
  },
  status_code_counts: {
    summary: 'Requests per HTTP status code, sorted by status code',
    key: 'status_code',
    columns: { status_code: 'INT', count_requests: 'BIGINT' },
    about: { status_code: 'HTTP status code, 100–599', count_requests: 'number of valid log lines with that status' },
  },
  avg_likes_per_product: {
    summary: 'Average likes per product (contenu), sorted by product',
    key: 'contenu',
    columns: { contenu: 'STRING', avg_likes: 'DECIMAL(21,2)', nb_posts: 'BIGINT' },
    about: { contenu: 'the product or subject of the posts', avg_likes: 'mean likes, rounded half-up to 2 decimals', nb_posts: 'number of valid posts' },
  },
  campaign_metrics: {
    summary: 'Clicks and impressions per ad campaign, sorted by campaign',
    key: 'campaign_id',
    columns: { campaign_id: 'STRING', total_clicks: 'BIGINT', total_impressions: 'BIGINT', ctr: 'DECIMAL(25,4)' },
    about: {
      campaign_id: 'the campaign',
      total_clicks: 'click events',
      total_impressions: 'impression events',
      ctr: 'clicks / impressions to 4 decimals; null without impressions',
    },
    nullable: ['ctr'],
  },
} as const satisfies Record<GoldTable, GoldMetric>;

/** How a column travels as JSON (API, charts): STRING as a string, every numeric type as a number. */
export type JsonType = 'string' | 'integer' | 'number';

export function jsonType(sqlType: string): JsonType {
  if (sqlType === 'STRING') return 'string';
  return ['INT', 'BIGINT'].includes(sqlType) ? 'integer' : 'number';
}

type GoldColumnsOf<T extends GoldTable> = (typeof gold)[T]['columns'];
type NullableOf<T extends GoldTable> = (typeof gold)[T] extends { nullable: readonly (infer C)[] } ? C : never;

/** A gold row as the API serves it and the charts take it: numbers as JS numbers, null only where the contract allows. */
export type GoldRow<T extends GoldTable> = {
  -readonly [C in keyof GoldColumnsOf<T>]: (GoldColumnsOf<T>[C] extends 'STRING' ? string : number) | (C extends NullableOf<T> ? null : never);
};

/** The numeric columns of a gold table (Spark gives BIGINT and DECIMAL as bigint and exact strings). */
export function numericGoldColumns(table: GoldTable): string[] {
  return Object.entries(gold[table].columns as Columns)
    .filter(([, type]) => jsonType(type) !== 'string')
    .map(([name]) => name);
}

/** Every table of a published layer, with its columns. */
export function layerTables(layer: 'silver' | 'gold'): Record<string, Columns> {
  if (layer === 'gold') return Object.fromEntries(goldTables.map((table) => [table, gold[table].columns]));
  return Object.fromEntries(
    silverTables.flatMap((table) => [
      [table, { ...silver[table].columns, ...lineage }],
      [`${table}_quarantine`, quarantineColumns],
    ]),
  );
}

/** `a STRING, b INT`: a column list for CREATE TABLE. */
export function columnsDdl(columns: Columns): string {
  return Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
}
