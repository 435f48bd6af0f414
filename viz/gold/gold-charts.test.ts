import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileChart } from '../compile.js';
import { avgLikesChart, campaignChart, statusCodeChart, totalSalesChart, type TotalSalesRow } from './index.js';

type Values = Array<Record<string, unknown>>;
const values = (spec: { data?: unknown }) => (spec.data as { values: Values }).values;

const products = (count: number): TotalSalesRow[] =>
  Array.from({ length: count }, (_, i) => ({ produit: `Produit ${i}`, total_ventes: 100 + ((i * 7919) % 1000) + 0.25, nb_transactions: 1 + i, quantite_totale: 2 + i }));

describe('gold charts', () => {
  it('compile without warnings, empty or full', () => {
    for (const rows of [products(0), products(3), products(500)]) {
      expect(compileChart(totalSalesChart(rows)).warnings).toEqual([]);
      expect(compileChart(avgLikesChart(rows.map((r) => ({ contenu: r.produit, avg_likes: r.total_ventes / 10, nb_posts: r.nb_transactions })))).warnings).toEqual([]);
    }
    expect(compileChart(statusCodeChart([])).warnings).toEqual([]);
    expect(compileChart(statusCodeChart([{ status_code: 200, count_requests: 5 }, { status_code: 503, count_requests: 1 }])).warnings).toEqual([]);
    expect(compileChart(campaignChart([])).warnings).toEqual([]);
    expect(compileChart(campaignChart([{ campaign_id: 'C', total_clicks: 0, total_impressions: 0, ctr: null }])).warnings).toEqual([]);
  });

  it('keeps 500 products readable: the top 20 by sales, then one "others" bar holding the rest', () => {
    const rows = products(500);
    const bars = values(totalSalesChart(rows));
    expect(bars).toHaveLength(21);
    const best = [...rows].sort((a, b) => b.total_ventes - a.total_ventes || a.produit.localeCompare(b.produit)).slice(0, 20);
    expect(bars.slice(0, 20).map((b) => b.produit)).toEqual(best.map((r) => r.produit));
    expect(bars[20]).toMatchObject({ produit: 'Other products (480)', others: true, rank: 20 });
    const sum = (key: keyof TotalSalesRow, list: ReadonlyArray<Record<string, unknown>>) => list.reduce((s, r) => s + Number(r[key]), 0);
    expect(sum('total_ventes', bars)).toBeCloseTo(sum('total_ventes', rows as never), 2);
    expect(sum('nb_transactions', bars)).toBe(sum('nb_transactions', rows as never));
  });

  it('folds nothing when one bar more would show every product', () => {
    expect(values(totalSalesChart(products(21)))).toHaveLength(21);
    expect(values(totalSalesChart(products(22), { top: 20 }))).toHaveLength(21);
  });

  it('pools the less discussed subjects into one average weighted by their posts', () => {
    const rows = [
      { contenu: 'A', avg_likes: 10, nb_posts: 100 },
      { contenu: 'B', avg_likes: 50, nb_posts: 90 },
      { contenu: 'C', avg_likes: 1, nb_posts: 3 },
      { contenu: 'D', avg_likes: 4, nb_posts: 1 },
    ];
    const bars = values(avgLikesChart(rows, { top: 2 }));
    expect(bars.map((b) => [b.contenu, b.avg_likes, b.nb_posts])).toEqual([
      ['B', 50, 90],
      ['A', 10, 100],
      ['Other subjects (2)', 1.75, 4],
    ]);
  });

  it('colours status codes by class and recomputes the CTR of pooled campaigns', () => {
    const bars = values(statusCodeChart([{ status_code: 404, count_requests: 3 }, { status_code: 200, count_requests: 9 }]));
    expect(bars.map((b) => [b.status_code, b.status_class])).toEqual([
      [200, '2xx success'],
      [404, '4xx client error'],
    ]);
    const campaigns = Array.from({ length: 4 }, (_, i) => ({ campaign_id: `C${i}`, total_clicks: i, total_impressions: 100 * (4 - i), ctr: i / (100 * (4 - i)) }));
    expect(values(campaignChart(campaigns, { top: 2 })).at(-1)).toMatchObject({ campaign_id: 'Other campaigns (2)', total_clicks: 5, total_impressions: 300, ctr: 0.0167 });
  });

  it('import nothing Node-specific, so the API can serve them to a browser', async () => {
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, 'utf8');
      expect(source, file).not.toMatch(/from 'node:|from '\.\.\/\.\.\/control|from '\.\.\/data/);
      for (const [, relative] of source.matchAll(/from '(\.[^']+)\.js'/g)) await visit(path.resolve(path.dirname(file), `${relative}.ts`));
    };
    await visit(path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.ts'));
    expect(seen.size).toBeGreaterThan(6);
  });
});
