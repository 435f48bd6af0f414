// Every chart drawn with tiny numbers (3 quarantined events, 2 requests, 1 like): an axis that
// shows whole numbers must not repeat a label, as `0 0 0 1 1 1 2 2` does when ticks fall between
// integers and the format rounds them. Rendered to SVG by vega itself; the browser test
// (test/integration/viz.test.ts) checks the same on the pipeline's pages in Chromium.
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { numberAxes, repeatedLabels } from '../test/support/axis-labels.js';
import { compileChart } from './compile.js';
import { avgLikesChart, campaignChart, statusCodeChart, totalSalesChart } from './gold/index.js';
import { renderSvg } from './render.js';
import { adEventsChart } from './silver/ad-events.js';
import { likesBoxPlotChart } from './silver/likes-box-plot.js';
import { quantityChart } from './silver/quantity-histogram.js';
import { quarantineChart } from './silver/quarantine.js';
import { requestsOverTimeChart } from './silver/requests-over-time.js';
import { revenueChart } from './silver/revenue.js';
import { bucketFor } from './time-buckets.js';

/** The labels of each axis of an SVG drawn by vega, in drawing order. */
function axisLabels(svg: string): string[][] {
  const groups = svg.split('role-axis-label').slice(1);
  return groups.map((group) => [...group.split(/<\/g>/)[0]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!));
}

const hour = bucketFor(4 * 86_400);
const start = Date.UTC(2024, 4, 1);

const tinyCharts: Record<string, TopLevelSpec> = {
  quarantine: quarantineChart([
    { source: 'ad_events', reason: 'malformed_json', records: 2 },
    { source: 'ad_events', reason: 'bad_event_type', records: 1 },
  ]),
  requests: requestsOverTimeChart([{ period: start, status_class: '2xx', requests: 2 }], hour),
  adEvents: adEventsChart([{ period: start, event_type: 'click', events: 3 }], hour),
  quantities: quantityChart({ step: 1, total: 3, bins: [{ bin_start: 1, bin_end: 2, count: 3 }] }),
  revenue: revenueChart([{ period: start, revenue: 2, transactions: 1 }], bucketFor(86_400 * 100)),
  likes: likesBoxPlotChart([{ contenu: 'A', others: false, posts: 3, q1: 0, median: 1, q3: 1, lower_whisker: 0, upper_whisker: 2, outliers: 0 }]),
  statusCodes: statusCodeChart([{ status_code: 200, count_requests: 2 }]),
  totalSales: totalSalesChart([{ produit: 'P', total_ventes: 2, nb_transactions: 1, quantite_totale: 1 }]),
  avgLikes: avgLikesChart([{ contenu: 'P', avg_likes: 1.5, nb_posts: 2 }]),
  campaigns: campaignChart([{ campaign_id: 'C', total_clicks: 1, total_impressions: 3, ctr: 0.3333 }]),
};

describe('axis ticks of small numbers', () => {
  it.each(Object.keys(tinyCharts))('%s: no axis repeats a label', async (name) => {
    const svg = await renderSvg(compileChart(tinyCharts[name]!).vega);
    const axes = numberAxes(axisLabels(svg));
    expect(axes.length).toBeGreaterThan(0);
    for (const labels of axes) expect(repeatedLabels(labels), labels.join(' ')).toEqual([]);
  });
});
