import { describe, expect, it } from 'vitest';
import { LikesTally, SalesTally, SourceTally, StatusTally, formatCents, formatMean } from './expected.js';

describe('money and means', () => {
  it('formats cents with two decimals', () => {
    expect(formatCents(0n)).toBe('0.00');
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(150000n)).toBe('1500.00');
    expect(formatCents(-1234n)).toBe('-12.34');
  });

  it('rounds means half-up to two decimals', () => {
    expect(formatMean(2n, 3n)).toBe('0.67');
    expect(formatMean(1n, 8n)).toBe('0.13');
    expect(formatMean(1n, 3n)).toBe('0.33');
    expect(formatMean(753n, 10n)).toBe('75.30');
    expect(formatMean(0n, 4n)).toBe('0.00');
    expect(() => formatMean(1n, 0n)).toThrow();
  });

  it('sums sales exactly beyond the 2⁵³ a float holds', () => {
    const sales = new SalesTally();
    for (let i = 0; i < 100; i++) sales.add('Produit A', 1_000_000, 99_999_999);
    sales.add('Produit A', 1, 1);
    expect(sales.expected()).toEqual([{ produit: 'Produit A', total_ventes: '99999999000000.01', nb_transactions: 101, quantite_totale: 100_000_001 }]);
  });
});

describe('tallies', () => {
  it('sort gold rows by key in code-point order', () => {
    const sales = new SalesTally();
    for (const product of ['Écran', 'Produit B', 'Câble', 'Produit A']) sales.add(product, 1, 100);
    expect(sales.expected().map((row) => row.produit)).toEqual(['Câble', 'Produit A', 'Produit B', 'Écran']);

    const statuses = new StatusTally();
    for (const status of [404, 200, 200, 500]) statuses.add(status);
    expect(statuses.expected()).toEqual([
      { status_code: 200, count_requests: 2 },
      { status_code: 404, count_requests: 1 },
      { status_code: 500, count_requests: 1 },
    ]);

    const likes = new LikesTally();
    likes.add('Produit A', 10);
    likes.add('Produit A', 0);
    likes.add('Produit A', 1);
    expect(likes.expected()).toEqual([{ contenu: 'Produit A', avg_likes: '3.67', nb_posts: 3 }]);
  });

  it('count a source: bronze = silver + quarantined, reasons and kinds sorted', () => {
    const tally = new SourceTally();
    tally.record('plain', null);
    tally.record('row-missing-field', 'malformed_row');
    tally.record('duplicate-resend', 'duplicate:transaction_id');
    tally.record('prix-decimal-comma-unquoted', 'malformed_row');
    tally.blankLines(2);
    tally.file({ path: 'transactions/b.csv', bytes: 1, sha256: 'b', records: 1, blank_lines: 0 });
    tally.file({ path: 'transactions/a.csv', bytes: 1, sha256: 'a', records: 3, blank_lines: 2 });
    const expected = tally.expected('transactions');
    expect(expected).toMatchObject({ bronze_records: 4, blank_lines: 2, silver_rows: 1, quarantined: 3 });
    expect(Object.entries(expected.quarantine)).toEqual([
      ['duplicate:transaction_id', 1],
      ['malformed_row', 2],
    ]);
    expect(Object.keys(expected.variants)).toEqual(['duplicate-resend', 'plain', 'prix-decimal-comma-unquoted', 'row-missing-field']);
    expect(expected.files.map((file) => file.path)).toEqual(['transactions/a.csv', 'transactions/b.csv']);
  });
});
