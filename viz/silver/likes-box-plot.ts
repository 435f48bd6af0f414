// Silver: how likes spread among the posts about each product, as box plots drawn from
// statistics Spark computed (quartiles with its percentile function, whiskers at the furthest
// post within 1.5 × the interquartile range): no post crosses into Node. The N most discussed
// products get a box, the others share one. Outliers are counted in the tooltip, not drawn.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, chartWidth, mainColor, othersColor, vegaLiteSchema, wholeNumberAxis } from '../theme.js';

export interface LikesBoxRow {
  contenu: string;
  /** True for the row that pools every product beyond the top N. */
  others: boolean;
  posts: number;
  q1: number;
  median: number;
  q3: number;
  lower_whisker: number;
  upper_whisker: number;
  outliers: number;
}

export function likesBoxPlotChart(rows: readonly LikesBoxRow[]): TopLevelSpec {
  const boxes = [...rows]
    .sort((a, b) => Number(a.others) - Number(b.others) || b.median - a.median || a.contenu.localeCompare(b.contenu))
    .map((row, rank) => ({ ...row, rank }));
  const y = { field: 'contenu', type: 'nominal' as const, title: null, sort: { field: 'rank', op: 'min' as const } };
  const likes = (field: string) => ({ field, type: 'quantitative' as const, title: 'Likes per post', axis: wholeNumberAxis() });
  return {
    $schema: vegaLiteSchema,
    title: {
      text: 'Likes per post, by product',
      subtitle: 'Box: middle half of the posts, white line: median; whiskers: 1.5 × the box, beyond them outliers (counted in the tooltip)',
    },
    config: chartConfig,
    width: chartWidth,
    height: { step: 22 },
    data: { values: boxes },
    encoding: {
      y,
      tooltip: [
        { field: 'contenu', title: 'Product or subject' },
        { field: 'posts', type: 'quantitative', title: 'Posts', format: ',d' },
        { field: 'median', type: 'quantitative', title: 'Median likes', format: ',d' },
        { field: 'q1', type: 'quantitative', title: 'First quartile', format: ',d' },
        { field: 'q3', type: 'quantitative', title: 'Third quartile', format: ',d' },
        { field: 'lower_whisker', type: 'quantitative', title: 'Lower whisker', format: ',d' },
        { field: 'upper_whisker', type: 'quantitative', title: 'Upper whisker', format: ',d' },
        { field: 'outliers', type: 'quantitative', title: 'Outlier posts', format: ',d' },
      ],
    },
    layer: [
      { mark: { type: 'rule', color: '#555' }, encoding: { x: likes('lower_whisker'), x2: { field: 'upper_whisker' } } },
      {
        mark: { type: 'bar', size: 14 },
        encoding: { x: likes('q1'), x2: { field: 'q3' }, color: { condition: { test: 'datum.others', value: othersColor }, value: mainColor } },
      },
      { mark: { type: 'tick', color: 'white', thickness: 2, size: 14 }, encoding: { x: likes('median') } },
    ],
  };
}
