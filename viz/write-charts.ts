// `lake viz` as a function: reads the current gold and silver through Spark (aggregates only),
// builds every chart, and writes for each its self-contained page, its SVG and its Vega-Lite
// spec, then the index page. The demo and the CLI call it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LakeConfig } from '../control/config.js';
import { SparkSession } from '@lake/spark-connect';
import { chartPoints, chartTitle, lakeCharts, type Chart, type ChartLayer } from './charts.js';
import { compileChart } from './compile.js';
import { readGold } from './data/gold.js';
import { registerChartViews, type ChartedVersions } from './data/lake.js';
import { aggregateSilver } from './data/silver.js';
import { chartPage, indexPage } from './page.js';
import { renderSvg } from './render.js';

export interface WriteChartsOptions {
  /** Folder the files go to (created if needed); existing charts there are replaced. */
  outDir: string;
  /** Products or campaigns with a bar of their own; the rest share one (default 20). */
  top?: number;
  log?: (line: string) => void;
}

export interface WrittenChart {
  name: string;
  layer: ChartLayer;
  title: string;
  html: string;
  svg: string;
  spec: string;
  /** Data points the chart carries. */
  points: number;
  /** What vega-lite's compiler warned about (none expected). */
  warnings: string[];
}

export interface ChartedVersion {
  runId: string;
  publishedAt: string;
}

export interface WrittenCharts {
  outDir: string;
  index: string;
  charts: WrittenChart[];
  goldVersion: ChartedVersion;
  silverVersion: ChartedVersion;
  generatedAt: string;
}

export async function writeCharts(config: LakeConfig, options: WriteChartsOptions): Promise<WrittenCharts> {
  const outDir = path.resolve(options.outDir);
  const { charts, versions } = await readCharts(config, options);
  const generatedAt = new Date().toISOString();
  const versionLine = (layer: ChartLayer) => `${layer === 'gold' ? 'Gold' : 'Silver'} version ${versions[layer].runId}, published ${versions[layer].publishedAt}`;

  await mkdir(outDir, { recursive: true });
  const written: WrittenChart[] = [];
  for (const chart of charts) {
    const title = chartTitle(chart.spec);
    const { vega, warnings } = compileChart(chart.spec);
    const files = { html: path.join(outDir, `${chart.name}.html`), svg: path.join(outDir, `${chart.name}.svg`), spec: path.join(outDir, `${chart.name}.vl.json`) };
    await writeFile(files.spec, `${JSON.stringify(chart.spec, null, 2)}\n`);
    await writeFile(files.svg, await renderSvg(vega));
    await writeFile(files.html, await chartPage({ ...chart, title }, `${versionLine(chart.layer)}; charts made ${generatedAt}.`));
    written.push({ name: chart.name, layer: chart.layer, title, ...files, points: chartPoints(chart.spec), warnings });
  }
  const index = path.join(outDir, 'index.html');
  const pages = charts.map((chart, i) => ({ ...chart, title: written[i]?.title ?? chart.name }));
  await writeFile(index, await indexPage(pages, [versionLine('gold'), versionLine('silver'), `Charts made ${generatedAt}`]));
  const version = (layer: ChartLayer) => ({ runId: versions[layer].runId, publishedAt: versions[layer].publishedAt });
  return { outDir, index, charts: written, goldVersion: version('gold'), silverVersion: version('silver'), generatedAt };
}

/** The charts of the lake's current versions, from one Spark session. */
async function readCharts(config: LakeConfig, options: WriteChartsOptions): Promise<{ charts: Chart[]; versions: ChartedVersions }> {
  const session = await SparkSession.connect(config.sparkRemote);
  try {
    // Time buckets are UTC days and hours whatever the cluster's default time zone.
    await session.config.set('spark.sql.session.timeZone', 'UTC');
    const versions = await registerChartViews(session, config);
    options.log?.(`reading gold ${versions.gold.runId} and aggregating silver ${versions.silver.runId} on the cluster…`);
    const [gold, silver] = await Promise.all([readGold(session), aggregateSilver(session)]);
    return { charts: lakeCharts(gold, silver, options.top), versions };
  } finally {
    await session.close();
  }
}
