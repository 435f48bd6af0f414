// The layout the product charts share: one horizontal bar a category, in the order of `rank`
// (best first), the grey "others" bar last, each bar labelled with its value.
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, chartWidth, mainColor, othersColor, vegaLiteSchema, wholeNumberAxis } from '../theme.js';

export interface RankedBarsOptions {
  title: TopLevelSpec['title'];
  /** Rows with the category, the value, `rank` and `others`. */
  bars: readonly Record<string, unknown>[];
  category: string;
  value: { field: string; title: string; /** A format without decimals: the axis ticks whole numbers. */ axisFormat: string; labelFormat: string };
  tooltip: { field: string; title: string; format?: string }[];
}

export function rankedBarsChart({ title, bars, category, value, tooltip }: RankedBarsOptions): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title,
    config: chartConfig,
    width: chartWidth,
    height: { step: 20 },
    data: { values: [...bars] },
    encoding: {
      y: { field: category, type: 'nominal', title: null, sort: { field: 'rank', op: 'min' } },
      x: { field: value.field, type: 'quantitative', title: value.title, axis: wholeNumberAxis(value.axisFormat) },
      tooltip,
    },
    layer: [
      { mark: 'bar', encoding: { color: { condition: { test: 'datum.others', value: othersColor }, value: mainColor } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#333' }, encoding: { text: { field: value.field, format: value.labelFormat } } },
    ],
  };
}
