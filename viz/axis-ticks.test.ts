// Every chart drawn with tiny numbers (3 quarantined events, 2 requests, 1 like): an axis that
// shows whole numbers must not repeat a label, as `0 0 0 1 1 1 2 2` does when ticks fall between
// integers and the format rounds them. The specs themselves first (each count axis formatted as
// an integer, ticks at least one apart), then rendered to SVG by vega itself; the browser tests
// (test/integration/chart-axes.test.ts, viz.test.ts) check the same in Chromium.
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

/**
 * Every quantitative field of a spec that has an axis, with that axis, wherever it sits in the
 * JSON; not binned ones, whose ticks are the bin edges.
 */
function quantitativeAxes(spec: unknown): Array<{ field: string; axis: Record<string, unknown> }> {
  const found: Array<{ field: string; axis: Record<string, unknown> }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const channel = node as Record<string, unknown>;
    if (channel.type === 'quantitative' && channel.bin === undefined && typeof channel.field === 'string' && typeof channel.axis === 'object' && channel.axis !== null) {
      found.push({ field: channel.field, axis: channel.axis as Record<string, unknown> });
    }
    Object.values(channel).forEach(visit);
  };
  visit(JSON.parse(JSON.stringify(spec)));
  return found;
}

/** The fields each chart counts (or shows in whole units): their axes must tick on integers. */
const countFields: Record<string, string[]> = {
  quarantine: ['records'],
  requests: ['requests'],
  adEvents: ['events'],
  quantities: ['count'],
  revenue: ['revenue'],
  likes: ['lower_whisker', 'q1', 'median'],
  statusCodes: ['count_requests'],
  totalSales: [],
  avgLikes: [],
  campaigns: ['total_clicks', 'total_impressions'],
};

describe('the specs of count axes', () => {
  it.each(Object.keys(tinyCharts))('%s: an axis of whole numbers is formatted as one and ticks at least 1 apart', (name) => {
    const axes = quantitativeAxes(tinyCharts[name]);
    for (const field of countFields[name]!) {
      const axis = axes.find((a) => a.field === field)?.axis;
      expect(axis, `${name}: ${field} has an axis`).toBeDefined();
      expect(axis, `${name}: ${field}`).toMatchObject({ format: expect.stringMatching(/d$|\.0f$/), tickMinStep: 1 });
    }
    // Any other axis whose format shows no decimals ticks on integers too.
    for (const { field, axis } of axes) if (typeof axis.format === 'string' && /d$|\.0f$/.test(axis.format)) expect(axis.tickMinStep, `${name}: ${field}`).toBe(1);
  });

  it('quarantine: the panel of a source with 3 records has its own integer axis', () => {
    const spec = quarantineChart([
      { source: 'transactions', reason: 'bad_decimal:prix', records: 5_000 },
      { source: 'ad_events', reason: 'malformed_json', records: 2 },
      { source: 'ad_events', reason: 'bad_timestamp:ts', records: 1 },
    ]) as { vconcat: Array<{ title: { text: string }; encoding: { x: { axis: unknown } } }> };
    const panel = spec.vconcat.find((p) => p.title.text.startsWith('ad_events'));
    expect(panel?.encoding.x.axis).toEqual({ format: ',d', tickMinStep: 1 });
  });
});

describe('axis ticks of small numbers', () => {
  it.each(Object.keys(tinyCharts))('%s: no axis repeats a label', async (name) => {
    const svg = await renderSvg(compileChart(tinyCharts[name]!).vega);
    const axes = numberAxes(axisLabels(svg));
    expect(axes.length).toBeGreaterThan(0);
    for (const labels of axes) expect(repeatedLabels(labels), labels.join(' ')).toEqual([]);
  });
});
