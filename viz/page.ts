// The HTML pages of the charts: one page per chart and an index of them all. Each page carries
// vega, vega-lite and vega-embed inline, so it opens from file:// with no network at all.
import { readFile } from 'node:fs/promises';
import type { TopLevelSpec } from 'vega-lite';
import { browserBuild, chartLibraries } from './browser-builds.js';

export interface PageChart {
  name: string;
  title: string;
  layer: string;
  spec: TopLevelSpec;
}

let libraries: Promise<string> | undefined;

/** The three libraries as inline <script> elements, read once. */
function inlineLibraries(): Promise<string> {
  libraries ??= Promise.all(
    chartLibraries.map(async (pkg) => `<script>${scriptText(await readFile(browserBuild(pkg), 'utf8'))}</script>`),
  ).then((scripts) => scripts.join('\n'));
  return libraries;
}

/** Text that cannot end the <script> element it sits in, nor open an HTML comment there. */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON as a JavaScript literal inside a <script>: `<` escaped, so no `</script>` can occur. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const style = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #222; background: #fff; }
  header h1 { font-size: 22px; margin: 0 0 4px; }
  .meta { color: #555; font-size: 13px; margin: 0 0 16px; }
  h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  section.chart { margin: 16px 0 28px; }
  .files { font-size: 12px; color: #555; margin: 4px 0 0; }
  .files a { color: #1f5fa8; margin-right: 12px; }
  nav ul { columns: 2; font-size: 14px; padding-left: 20px; }
`;

// Renders every chart as SVG (crisp, and its marks are DOM elements a test can count), and marks
// the body when all are drawn — or failed, with the error on the console.
function embedScript(charts: ReadonlyArray<{ id: string; spec: TopLevelSpec }>): string {
  return `<script>
const charts = ${scriptJson(charts)};
const options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
Promise.all(charts.map((chart) => vegaEmbed('#' + chart.id, chart.spec, options)))
  .then(() => { document.body.dataset.rendered = 'true'; })
  .catch((error) => { document.body.dataset.rendered = 'failed'; console.error(error); });
</script>`;
}

async function page(title: string, body: string, charts: ReadonlyArray<{ id: string; spec: TopLevelSpec }>): Promise<string> {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
${await inlineLibraries()}
</head>
<body>
${body}
${embedScript(charts)}
</body>
</html>
`;
}

/** The page of one chart, with links to its SVG and spec beside it. */
export function chartPage(chart: PageChart, about: string): Promise<string> {
  const body = `<main>
<section class="chart"><div id="chart"></div></section>
<p class="meta">${escapeHtml(about)}</p>
<p class="files"><a href="index.html">All charts</a><a href="${chart.name}.svg">SVG</a><a href="${chart.name}.vl.json">Vega-Lite spec</a></p>
</main>`;
  return page(chart.title, body, [{ id: 'chart', spec: chart.spec }]);
}

/** The index: every chart, gold first, under a header naming the versions they show (one a line). */
export function indexPage(charts: readonly PageChart[], about: readonly string[]): Promise<string> {
  const layers = [
    ['gold', 'Gold: the metrics'],
    ['silver', 'Silver: the cleaned data and what was rejected'],
  ] as const;
  const sections = layers
    .map(([layer, heading]) => {
      const shown = charts.filter((chart) => chart.layer === layer);
      if (shown.length === 0) return '';
      return `<h2>${escapeHtml(heading)}</h2>\n${shown
        .map(
          (chart) => `<section class="chart" id="${chart.name}">
<div id="chart-${chart.name}"></div>
<p class="files"><a href="${chart.name}.html">Open alone</a><a href="${chart.name}.svg">SVG</a><a href="${chart.name}.vl.json">Vega-Lite spec</a></p>
</section>`,
        )
        .join('\n')}`;
    })
    .join('\n');
  const body = `<header>
<h1>lake: charts</h1>
<p class="meta">${about.map(escapeHtml).join('<br>')}</p>
<nav><ul>${charts.map((chart) => `<li><a href="#${chart.name}">${escapeHtml(chart.title)}</a></li>`).join('')}</ul></nav>
</header>
<main>
${sections}
</main>`;
  return page('lake: charts', body, charts.map((chart) => ({ id: `chart-${chart.name}`, spec: chart.spec })));
}
