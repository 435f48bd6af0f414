// The dashboard: a page that signs in with the API's own token endpoints and draws the four gold
// charts with vega-embed. Vega, Vega-Lite and vega-embed are served from node_modules (no CDN),
// and each chart's spec is built here, from the gold in memory, by the same builders as
// `lake viz` (viz/gold), behind the same bearer authentication as the metrics.
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { TopLevelSpec } from 'vega-lite';
import { repoRoot } from '../../control/config.js';
import type { GoldTable } from '../../jobs/gold.js';
import { browserBuild, chartLibraries } from '../../viz/browser-builds.js';
import { avgLikesChart, campaignChart, statusCodeChart, totalSalesChart, type AvgLikesRow, type CampaignRow, type StatusCodeRow, type TotalSalesRow } from '../../viz/gold/index.js';
import type { GoldSource } from '../gold-source.js';
import { goldEndpoints, type MetricRow } from '../gold-tables.js';
import { HttpError, methodNotAllowed } from '../http-errors.js';
import { servedGold } from './metrics.js';

const pageFolder = path.join(repoRoot, 'api', 'dashboard');
/** The browser builds of the charting libraries, by the name the page asks for. */
const vendorFiles: Record<string, string> = Object.fromEntries(chartLibraries.map((pkg) => [`${pkg}.min.js`, browserBuild(pkg)]));

// The rows are the API's, whose keys the builders' row types name.
const charts: Record<GoldTable, (rows: MetricRow[]) => TopLevelSpec> = {
  total_sales_per_product: (rows) => totalSalesChart(rows as unknown as TotalSalesRow[]),
  status_code_counts: (rows) => statusCodeChart(rows as unknown as StatusCodeRow[]),
  avg_likes_per_product: (rows) => avgLikesChart(rows as unknown as AvgLikesRow[]),
  campaign_metrics: (rows) => campaignChart(rows as unknown as CampaignRow[]),
};

/** `/api/charts/<metric>/`: the same names as the metrics endpoints. */
export const chartPath = (metricPath: string) => metricPath.replace('/api/', '/api/charts/');

export function dashboardRoutes(gold: GoldSource, authenticate: RequestHandler): Router {
  const router = Router();
  // Vega compiles its expressions with `new Function`: the page needs 'unsafe-eval', and only it.
  const pagePolicy = helmet.contentSecurityPolicy({ directives: { scriptSrc: ["'self'", "'unsafe-eval'"] } });

  router.get('/', (_req, res) => res.redirect(302, '/dashboard/'));
  router.get('/dashboard', pagePolicy, (_req, res) => res.sendFile(path.join(pageFolder, 'index.html')));
  router.get('/dashboard/vendor/:file', (req, res, next) => {
    const file = vendorFiles[req.params.file ?? ''];
    if (!file) return next(new HttpError(404, `No file ${req.path}`));
    res.sendFile(file, { maxAge: '1d' });
  });
  router.use('/dashboard', express.static(pageFolder, { index: false, fallthrough: true }));

  for (const endpoint of goldEndpoints) {
    router
      .route(chartPath(endpoint.path))
      .get(authenticate, (_req, res) => {
        res.json(charts[endpoint.table](servedGold(gold, res).tables[endpoint.table]));
      })
      .all(methodNotAllowed(['GET']));
  }
  return router;
}
