import { describe, expect, it } from 'vitest';
import { LakeError } from '../control/errors.js';
import { lakeTables, parseLakeTable } from './lake-tables.js';

describe('the Delta tables of the lake', () => {
  it('are the silver tables with their quarantines, the gold metrics and bronze ad events', () => {
    expect(lakeTables.map((table) => table.name)).toEqual([
      'silver_transactions',
      'silver_transactions_quarantine',
      'silver_server_logs',
      'silver_server_logs_quarantine',
      'silver_social_posts',
      'silver_social_posts_quarantine',
      'silver_ad_events',
      'silver_ad_events_quarantine',
      'gold_total_sales_per_product',
      'gold_status_code_counts',
      'gold_avg_likes_per_product',
      'gold_campaign_metrics',
      'bronze_ad_events',
    ]);
  });

  it('are named as `lake sql` names their views', () => {
    expect(parseLakeTable('silver_transactions')).toEqual({ name: 'silver_transactions', layer: 'silver', table: 'transactions', path: 'silver/transactions' });
    expect(parseLakeTable('silver_transactions_quarantine')).toMatchObject({ layer: 'silver', table: 'transactions_quarantine', path: 'silver/transactions_quarantine' });
    expect(parseLakeTable('gold_campaign_metrics')).toMatchObject({ layer: 'gold', path: 'gold/campaign_metrics' });
    expect(parseLakeTable(' BRONZE_AD_EVENTS ')).toMatchObject({ layer: 'bronze', path: 'bronze/ad_events' });
  });

  it('refuse any other name, listing the valid ones', () => {
    for (const name of ['transactions', 'silver.transactions', 'bronze_transactions', 'gold_campaign_metrics_quarantine', '']) {
      expect(() => parseLakeTable(name), name).toThrow(LakeError);
    }
    const error = (() => {
      try {
        parseLakeTable('silver_transaction');
      } catch (thrown) {
        return thrown as LakeError;
      }
    })();
    expect(error?.message).toBe('silver_transaction is not a Delta table of the lake');
    expect(error?.hint).toContain('silver_transactions, silver_transactions_quarantine,');
    expect(error?.hint).toContain('bronze_ad_events');
  });
});
