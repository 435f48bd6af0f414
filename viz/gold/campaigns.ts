// Gold: ad campaigns side by side in three panels sharing one row per campaign: impressions,
// clicks, and the click-through rate. Clicks are a few percent of impressions, so one shared axis
// would flatten them: each measure gets its own. Campaigns are ordered by impressions; beyond
// the top N they are summed into one "others" row (its CTR recomputed from the sums).
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, mainColor, othersColor, vegaLiteSchema, wholeNumberAxis } from '../theme.js';
import { othersLabel, topN, type TopOptions } from '../top-n.js';
import type { CampaignRow } from './rows.js';

const panelWidth = 200;

export function campaignChart(rows: readonly CampaignRow[], options: TopOptions = {}): TopLevelSpec {
  const { top, rest } = topN(rows, options.top ?? 20, (r) => r.total_impressions, (r) => r.campaign_id);
  const campaigns = top.map((row, rank) => ({ ...row, rank, others: false }));
  if (rest.length > 0) {
    const clicks = rest.reduce((sum, r) => sum + r.total_clicks, 0);
    const impressions = rest.reduce((sum, r) => sum + r.total_impressions, 0);
    campaigns.push({
      campaign_id: othersLabel('campaigns', rest.length),
      total_clicks: clicks,
      total_impressions: impressions,
      ctr: impressions > 0 ? Math.round((10_000 * clicks) / impressions) / 10_000 : null,
      rank: campaigns.length,
      others: true,
    });
  }
  const clicks = rows.reduce((sum, r) => sum + r.total_clicks, 0);
  const impressions = rows.reduce((sum, r) => sum + r.total_impressions, 0);
  const tooltip = [
    { field: 'campaign_id', title: 'Campaign' },
    { field: 'total_impressions', title: 'Impressions', format: ',d' },
    { field: 'total_clicks', title: 'Clicks', format: ',d' },
    { field: 'ctr', title: 'Click-through rate', format: '.2%' },
  ];
  const color = { condition: { test: 'datum.others', value: othersColor }, value: mainColor };
  const campaignAxis = (labels: boolean) => ({
    field: 'campaign_id',
    type: 'nominal' as const,
    sort: { field: 'rank', op: 'min' as const },
    title: labels ? 'Campaign' : null,
    axis: labels ? {} : { labels: false, ticks: false },
  });
  const panel = (field: string, title: string, format: string, labels: boolean) => ({
    width: panelWidth,
    height: { step: 22 },
    encoding: { y: campaignAxis(labels), tooltip },
    layer: [
      { mark: 'bar' as const, encoding: { x: { field, type: 'quantitative' as const, title, axis: format === ',d' ? wholeNumberAxis(format, { tickCount: 4 }) : { format, tickCount: 4 } }, color } },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 3, fontSize: 10, color: '#333' },
        encoding: { x: { field, type: 'quantitative' as const }, text: { field, format } },
      },
    ],
  });
  return {
    $schema: vegaLiteSchema,
    title: {
      text: 'Ad campaigns: impressions, clicks and click-through rate',
      subtitle: `${impressions.toLocaleString('en-US')} impressions, ${clicks.toLocaleString('en-US')} clicks over ${rows.length} campaigns: ${
        impressions > 0 ? ((100 * clicks) / impressions).toFixed(2) : '0.00'
      } % click-through overall`,
    },
    config: chartConfig,
    data: { values: campaigns },
    hconcat: [panel('total_impressions', 'Impressions', ',d', true), panel('total_clicks', 'Clicks', ',d', false), panel('ctr', 'Click-through rate', '.1%', false)],
  };
}
