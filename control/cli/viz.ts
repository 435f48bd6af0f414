// `lake viz [--out DIR] [--open]`: charts of the current silver and gold, as self-contained HTML
// pages, SVG images and Vega-Lite specs, with an index page (viz/write-charts.ts does the work).
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openPage } from '../../viz/open-page.js';
import { writeCharts } from '../../viz/write-charts.js';
import { formatTable } from './table.js';

const say = (line = '') => process.stdout.write(`${line}\n`);

export function vizCommand(): Command {
  return new Command('viz')
    .description('write charts of the current gold and silver: an HTML page, an SVG and a Vega-Lite spec each, and an index page')
    .option('--out <dir>', 'folder for the charts (default: LAKE_CHARTS_DIR, or out/charts)')
    .option('--open', 'open the index page in the browser, when there is a desktop')
    .addHelpText('after', '\nThe pages open from file:// with no network: vega, vega-lite and vega-embed are inlined.\nSee docs/charts.md for what each chart shows.')
    .action(async (options: { out?: string; open?: boolean }) => {
      const started = Date.now();
      const config = loadConfig();
      const written = await writeCharts(config, { outDir: options.out ?? config.chartsDir, log: (line) => process.stderr.write(`${line}\n`) });
      say(formatTable(['chart', 'layer', 'points', 'files'], written.charts.map((c) => [c.title, c.layer, String(c.points), `${c.name}.{html,svg,vl.json}`])));
      for (const chart of written.charts) for (const warning of chart.warnings) process.stderr.write(`lake: warning: ${chart.name}: ${warning}\n`);
      say(`\n${written.charts.length} charts of gold ${written.goldVersion.runId} and silver ${written.silverVersion.runId} in ${written.outDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      say(`index: ${written.index}`);
      if (options.open) {
        const failure = await openPage(written.index);
        if (failure) say(`not opened: ${failure}; open ${written.index} in a browser yourself`);
      }
    });
}
