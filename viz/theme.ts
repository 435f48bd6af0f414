// The look every chart shares, so that the pages read as one report: fonts, title placement, the
// colour of "others" and of the main series, the usual widths. Pure data: the API imports it too.
import type { Config } from 'vega-lite';

export const vegaLiteSchema = 'https://vega.github.io/schema/vega-lite/v6.json';

export const chartWidth = 640;
export const mainColor = '#4c78a8';
/** Bars that sum up the products (or campaigns) beyond the top N. */
export const othersColor = '#b0b0b0';

export const chartConfig: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  title: { anchor: 'start', fontSize: 16, subtitleFontSize: 12, subtitleColor: '#555', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleColor: '#333', labelLimit: 260 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, labelFontWeight: 'bold', labelAngle: 0, labelAlign: 'left', labelAnchor: 'start' },
  view: { stroke: null },
};

/**
 * The axis of a quantity shown without decimals (counts, likes, whole euros): ticks one unit apart
 * at least, so that a small domain (3 records) is not labelled `0 0 0 1 1 1 2 2` by rounding.
 */
export function wholeNumberAxis(format = ',d', more: { tickCount?: number } = {}): { format: string; tickMinStep: number; tickCount?: number } {
  return { format, tickMinStep: 1, ...more };
}
