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

/** The gold metrics: key first, then the measures (docs/data-contract.md, "Gold metrics"). */
export const gold: Record<GoldTable, { key: string; columns: Columns }> = {
  total_sales_per_product: {
    key: 'produit',
    columns: { produit: 'STRING', total_ventes: 'DECIMAL(24,2)', nb_transactions: 'BIGINT', quantite_totale: 'BIGINT' },
  },
  status_code_counts: { key: 'status_code', columns: { status_code: 'INT', count_requests: 'BIGINT' } },
  avg_likes_per_product: { key: 'contenu', columns: { contenu: 'STRING', avg_likes: 'DECIMAL(21,2)', nb_posts: 'BIGINT' } },
  campaign_metrics: {
    key: 'campaign_id',
    columns: { campaign_id: 'STRING', total_clicks: 'BIGINT', total_impressions: 'BIGINT', ctr: 'DECIMAL(25,4)' },
  },
};

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
