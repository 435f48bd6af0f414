import { describe, expect, it } from 'vitest';
import { totalSalesChart } from './gold/index.js';
import { chartPage, indexPage } from './page.js';

const hostile = totalSalesChart([{ produit: '</script><script>alert(1)</script> <!-- «A»', total_ventes: 1, nb_transactions: 1, quantite_totale: 1 }]);

describe('chart pages', () => {
  it('carry the libraries and the spec inline, with no way for data to close a <script>', async () => {
    const html = await chartPage({ name: 'gold-total-sales', title: 'Sales </b>', layer: 'gold', spec: hostile }, 'Gold version x & y');
    expect(html.includes('<title>Sales &#60;/b&#62;</title>'), 'the escaped title').toBe(true);
    expect(html.includes('Gold version x &#38; y'), 'the escaped versions').toBe(true);
    // Three libraries, the embedding script: four opening tags, four closing ones.
    expect(html.match(/<script>/g)).toHaveLength(4);
    expect(html.match(/<\/script>/gi)).toHaveLength(4);
    expect(/<script[^>]+src=|<link[^>]+href=/i.test(html), 'an external script or stylesheet').toBe(false);
    expect(html.includes('\\u003c/script>\\u003cscript>alert(1)'), 'the spec with < escaped').toBe(true);
  });

  it('index every chart under its layer, linking its own page, SVG and spec', async () => {
    const charts = [
      { name: 'gold-total-sales', title: 'Total sales per product', layer: 'gold', spec: hostile },
      { name: 'silver-x', title: 'X', layer: 'silver', spec: hostile },
    ];
    const html = await indexPage(charts, ['Gold version g', 'Silver version s']);
    expect(html.indexOf('Gold: the metrics')).toBeLessThan(html.indexOf('Silver: the cleaned data'));
    for (const name of ['gold-total-sales', 'silver-x']) for (const file of ['html', 'svg', 'vl.json']) expect(html.includes(`href="${name}.${file}"`), `${name}.${file}`).toBe(true);
    expect(html.includes('Gold version g<br>Silver version s'), 'the versions, one a line').toBe(true);
  });
});
