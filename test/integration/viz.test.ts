// `lake viz` on a lake of its own (generated xs data and ad events, bronze → silver → gold): the
// files it writes, the specs on real data compiled without warnings, the aggregates checked
// against the generator's and the producer's truth, and every page opened in Debian's Chromium from file://.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { loadConfig } from '../../control/config.js';
import { LakeError } from '../../control/errors.js';
import { WebHdfs, hdfsPath } from '../../control/hdfs/webhdfs.js';
import type { SilverRun } from '../../control/runs/manifest.js';
import { LayerPointer } from '../../control/runs/published.js';
import { compileChart } from '../../viz/compile.js';
import { writeCharts, type WrittenChart, type WrittenCharts } from '../../viz/write-charts.js';
import { LakeFixture } from './support/lake-fixture.js';
import { numberAxes, repeatedLabels } from '../support/axis-labels.js';
import { collectPageErrors, describeInChromium, launchChromium, type HeadlessChromium } from '../support/chromium.js';

let lake: LakeFixture;
let outDir: string;
const config = () => lake.config;
const hdfs = new WebHdfs(loadConfig().webHdfs);

let written: WrittenCharts;
let silver: SilverRun;
const specOf = async (chart: WrittenChart) => JSON.parse(await readFile(chart.spec, 'utf8')) as TopLevelSpec & { data: { values: Array<Record<string, unknown>> } };
const chart = (name: string) => {
  const found = written.charts.find((c) => c.name === name);
  if (!found) throw new Error(`no chart ${name} in ${written.charts.map((c) => c.name).join(', ')}`);
  return found;
};
const sum = (rows: Array<Record<string, unknown>>, key: string) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0);

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'lake-viz-charts-'));
  lake = await LakeFixture.withGold({ name: 'viz', seed: 11, events: 2000 });
  silver = lake.silver;
  written = await writeCharts(config(), { outDir });
});

afterAll(async () => {
  await lake?.destroy();
  await rm(outDir, { recursive: true, force: true });
});

describe('lake viz', () => {
  it('says to run the pipeline when the lake has no gold yet', async () => {
    const empty = loadConfig({ ...process.env, LAKE_ROOT: `hdfs://127.0.0.1:8020/lake-test-viz-empty-${randomUUID().slice(0, 8)}` });
    const failure = writeCharts(empty, { outDir: path.join(outDir, 'never') });
    await expect(failure).rejects.toBeInstanceOf(LakeError);
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining('no silver version'), hint: expect.stringContaining('npm run job:all') });
  });

  it('writes a page, an SVG and a spec for each of the eleven charts, and an index naming the versions', async () => {
    expect(written.charts.map((c) => c.name)).toEqual([
      'gold-total-sales',
      'gold-status-codes',
      'gold-avg-likes',
      'gold-campaigns',
      'silver-revenue',
      'silver-quantities',
      'silver-prices',
      'silver-requests',
      'silver-likes',
      'silver-ad-events',
      'silver-quarantine',
    ]);
    const root = hdfsPath(config().lakeRoot);
    expect(written.goldVersion.runId).toBe((await new LayerPointer(hdfs, root, 'gold').current())?.runId);
    expect(written.silverVersion.runId).toBe(silver.runId);
    for (const c of written.charts) {
      expect(path.dirname(c.html)).toBe(outDir);
      expect(await readFile(c.svg, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*role-mark[\s\S]*<\/svg>$/);
      expect((await readFile(c.html, 'utf8')).includes(c.layer === 'gold' ? written.goldVersion.runId : written.silverVersion.runId)).toBe(true);
    }
    const index = await readFile(written.index, 'utf8');
    for (const text of [written.goldVersion.runId, written.goldVersion.publishedAt, written.silverVersion.runId, written.generatedAt]) expect(index.includes(text), text).toBe(true);
  });

  it('compiles every spec, on the pipeline’s data, without a warning', async () => {
    for (const c of written.charts) {
      expect(c.warnings, c.name).toEqual([]);
      expect(compileChart(await specOf(c)).warnings, c.name).toEqual([]);
      expect(c.points, c.name).toBeGreaterThan(0);
    }
  });

  it('carries aggregates only: a bounded number of points, whatever the size of silver', () => {
    for (const c of written.charts) expect(c.points, c.name).toBeLessThanOrEqual(1500);
  });

  it('draws what the generator and the producer made: the charts\' aggregates against their truth', async () => {
    // Not the silver run's own counts: the records known before any run.
    const truth = lake.expected.sources;
    const events = lake.produced.expected;
    const revenue = (await specOf(chart('silver-revenue'))).data.values;
    // Σ montant per day (silver) is the money of the sales per product the generator expects.
    expect(sum(revenue, 'revenue')).toBeCloseTo(sum(lake.expected.gold.total_sales_per_product, 'total_ventes'), 1);
    expect(sum((await specOf(chart('gold-total-sales'))).data.values, 'total_ventes')).toBeCloseTo(sum(lake.expected.gold.total_sales_per_product, 'total_ventes'), 1);
    expect(sum(revenue, 'transactions')).toBe(truth.transactions.silver_rows);
    expect(sum((await specOf(chart('silver-requests'))).data.values, 'requests')).toBe(truth.server_logs.silver_rows);
    expect(sum((await specOf(chart('silver-ad-events'))).data.values, 'events')).toBe(events.silver_rows);
    expect(sum((await specOf(chart('silver-likes'))).data.values, 'posts')).toBe(truth.social_posts.silver_rows);
    const quarantined = truth.transactions.quarantined + truth.server_logs.quarantined + truth.social_posts.quarantined + Object.values(events.quarantine).reduce((n, c) => n + c, 0);
    expect(sum((await specOf(chart('silver-quarantine'))).data.values, 'records')).toBe(quarantined);
    const quantities = (await specOf(chart('silver-quantities'))).data.values;
    // The histogram leaves out at most the top 1 % (and the bin the 99th percentile falls in is kept).
    expect(sum(quantities, 'count')).toBeGreaterThanOrEqual(0.98 * truth.transactions.silver_rows);
  });
});

/** The marks a chart must show, by mark type, from the data its spec carries. */
function expectedMarks(name: string, values: Array<Record<string, unknown>>): Record<string, number> {
  switch (name) {
    case 'gold-campaigns':
      return { rect: 2 * values.length + values.filter((v) => v.ctr !== null).length };
    case 'silver-revenue':
      return { line: 1, symbol: values.length };
    case 'silver-requests':
      return { area: new Set(values.map((v) => v.status_class)).size };
    case 'silver-likes':
      return { rule: values.length, rect: 2 * values.length };
    default:
      return { rect: values.length };
  }
}

describeInChromium('the chart pages in Chromium, from file://', () => {
  let chromium: HeadlessChromium;
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  /** Opens a page with the network cut off, waits for the charts, counts their marks and reads their axes' labels. */
  async function open(file: string): Promise<{ rendered: string | null; errors: string[]; marks: Record<string, number>; axes: string[][] }> {
    const page = await chromium.context.newPage();
    const errors = collectPageErrors(page);
    await page.route(/^(?!file:)/, (route) => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    try {
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
      const rendered = await page.getAttribute('body', 'data-rendered');
      const groups = await page.$$eval('g.role-mark', (elements) => elements.map((e) => ({ classes: e.getAttribute('class') ?? '', items: e.childElementCount })));
      const marks: Record<string, number> = {};
      for (const { classes, items } of groups) {
        const type = /\bmark-(\w+)/.exec(classes)?.[1] ?? '?';
        marks[type] = (marks[type] ?? 0) + items;
      }
      const axes = await page.$$eval('g.role-axis-label', (elements) => elements.map((e) => [...e.querySelectorAll('text')].map((t) => t.textContent ?? '')));
      return { rendered, errors, marks, axes };
    } finally {
      await page.close();
    }
  }

  it('renders every chart page with the expected marks and no console error', async () => {
    for (const c of written.charts) {
      const { rendered, errors, marks, axes } = await open(c.html);
      expect({ chart: c.name, rendered, errors }).toEqual({ chart: c.name, rendered: 'true', errors: [] });
      for (const labels of numberAxes(axes)) expect(repeatedLabels(labels), `${c.name}: repeated axis labels in ${labels.join(' ')}`).toEqual([]);
      const expected = expectedMarks(c.name, (await specOf(c)).data.values);
      for (const [type, count] of Object.entries(expected)) expect(marks[type], `${c.name}: ${type} marks`).toBe(count);
    }
  });

  it('renders all the charts on the index page', async () => {
    const { rendered, errors, marks } = await open(written.index);
    expect({ rendered, errors }).toEqual({ rendered: 'true', errors: [] });
    let rects = 0;
    for (const c of written.charts) rects += expectedMarks(c.name, (await specOf(c)).data.values).rect ?? 0;
    expect(marks.rect).toBe(rects);
  });
});
