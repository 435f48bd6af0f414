// Count axes of small numbers, drawn in Chromium from the page `lake viz` writes (vega, vega-lite
// and vega-embed inline, opened from file://), and their tick labels read back from the SVG: the
// quarantine chart's ad-events panel with 3 records must read 0 1 2, never `0 0 0 1 1 1 1 1 2 2`.
// No stack needed: the charts are given their data here.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { statusCodeChart } from '../../viz/gold/index.js';
import { chartPage } from '../../viz/page.js';
import { adEventsChart } from '../../viz/silver/ad-events.js';
import { quarantineChart } from '../../viz/silver/quarantine.js';
import { bucketFor } from '../../viz/time-buckets.js';
import { collectPageErrors, describeInChromium, launchChromium, type HeadlessChromium } from '../support/chromium.js';

describeInChromium('count axes of small numbers, in Chromium', () => {
  let chromium: HeadlessChromium;
  let dir: string;

  beforeAll(async () => {
    chromium = await launchChromium();
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-chart-axes-'));
  });

  afterAll(async () => {
    await chromium?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The tick labels of every axis of the chart's page as Chromium draws it, in drawing order. */
  async function axisLabels(name: string, spec: TopLevelSpec): Promise<string[][]> {
    const file = path.join(dir, `${name}.html`);
    await writeFile(file, await chartPage({ name, title: name, layer: 'silver', spec }, 'axis test'));
    const page = await chromium.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
      expect({ rendered: await page.getAttribute('body', 'data-rendered'), errors }).toEqual({ rendered: 'true', errors: [] });
      return await page.$$eval('g.role-axis-label', (groups) => groups.map((group) => [...group.querySelectorAll('text')].map((text) => text.textContent ?? '')));
    } finally {
      await page.close();
    }
  }

  it('labels the ad-events panel of the quarantine chart (3 records) 0 1 2, beside a panel of thousands', async () => {
    const axes = await axisLabels(
      'quarantine',
      quarantineChart([
        { source: 'ad_events', reason: 'malformed_json', records: 2 },
        { source: 'ad_events', reason: 'bad_timestamp:ts', records: 1 },
        { source: 'transactions', reason: 'bad_decimal:prix', records: 4_000 },
      ]),
    );
    // Panels in source order: ad_events (its records axis, then its reasons), then transactions.
    expect(axes[0]).toEqual(['0', '1', '2']);
    expect(axes[1]).toEqual(['malformed_json', 'bad_timestamp:ts']);
    expect(axes[2]?.every((label) => /^[\d,]+$/.test(label))).toBe(true);
    expect(new Set(axes[2]).size).toBe(axes[2]?.length);
  });

  it('labels a count axis of one request 0 1', async () => {
    const axes = await axisLabels('status-codes', statusCodeChart([{ status_code: 200, count_requests: 1 }]));
    expect(axes.find((labels) => labels.includes('0'))).toEqual(['0', '1']);
  });

  it('labels the events axis of an hour with 3 clicks 0 1 2 3', async () => {
    const start = Date.UTC(2024, 4, 1);
    const axes = await axisLabels('ad-events', adEventsChart([{ period: start, event_type: 'click', events: 3 }], bucketFor(4 * 86_400)));
    expect(axes.filter((labels) => labels.length > 0 && labels.every((label) => /^\d+$/.test(label)))).toEqual([['0', '1', '2', '3']]);
  });
});
