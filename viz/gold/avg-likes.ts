// Gold: average likes per product (per `contenu`, the subject of the posts). With many products
// the N most discussed ones (most posts) get a bar; the rest are pooled into one "others" bar,
// whose average is weighted by their number of posts. Bars are sorted by average, highest first.
import type { TopLevelSpec } from 'vega-lite';
import { rankedBarsChart } from './ranked-bars.js';
import { othersLabel, topN, type TopOptions } from '../top-n.js';
import type { AvgLikesRow } from './rows.js';

export function avgLikesChart(rows: readonly AvgLikesRow[], options: TopOptions = {}): TopLevelSpec {
  const { top, rest } = topN(rows, options.top ?? 20, (r) => r.nb_posts, (r) => r.contenu);
  const bars = [...top].sort((a, b) => b.avg_likes - a.avg_likes || a.contenu.localeCompare(b.contenu)).map((row, rank) => ({ ...row, rank, others: false }));
  if (rest.length > 0) {
    const posts = rest.reduce((sum, r) => sum + r.nb_posts, 0);
    // From averages rounded to 2 decimals: within 0.005 of the exact pooled mean.
    const likes = rest.reduce((sum, r) => sum + r.avg_likes * r.nb_posts, 0);
    bars.push({ contenu: othersLabel('subjects', rest.length), avg_likes: Math.round((100 * likes) / posts) / 100, nb_posts: posts, rank: bars.length, others: true });
  }
  const posts = rows.reduce((sum, r) => sum + r.nb_posts, 0);
  return rankedBarsChart({
    title: {
      text: 'Average likes per product',
      subtitle: `Mean likes of a post about each product, over ${posts.toLocaleString('en-US')} posts${rest.length > 0 ? `; the ${top.length} most discussed products, the others pooled` : ''}`,
    },
    bars,
    category: 'contenu',
    value: { field: 'avg_likes', title: 'Average likes per post', axisFormat: ',.0f', labelFormat: ',.1f' },
    tooltip: [
      { field: 'contenu', title: 'Product or subject' },
      { field: 'avg_likes', title: 'Average likes', format: ',.2f' },
      { field: 'nb_posts', title: 'Posts', format: ',d' },
    ],
  });
}
