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
