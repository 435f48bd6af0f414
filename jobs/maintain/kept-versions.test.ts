import { describe, expect, it } from 'vitest';
import type { RunManifest } from '../../control/runs/manifest.js';
import type { PublishedLayer } from '../../control/runs/published.js';
import { oldestKeptVersions } from './kept-versions.js';

const layerVersion = (runId: string, versions: Record<string, number>, layer = 'silver'): PublishedLayer => ({
  runId,
  publishedAt: '2026-12-01T00:00:00Z',
  tables: Object.fromEntries(Object.entries(versions).map(([table, version]) => [table, { path: `${layer}/${table}`, version }])),
  madeFrom: [],
});
const run = (runId: string, layer: RunManifest['layer'], outcome: RunManifest['outcome'], published?: PublishedLayer): RunManifest => ({
  runId,
  layer,
  outcome,
  startedAt: '2026-12-01T00:00:00Z',
  endedAt: '2026-12-01T00:00:00Z',
  published,
});

const s1 = layerVersion('s1', { transactions: 1, transactions_quarantine: 1 });
const s2 = layerVersion('s2', { transactions: 3, transactions_quarantine: 2 });
const s3 = layerVersion('s3', { transactions: 5, transactions_quarantine: 6 });
const g1 = layerVersion('g1', { campaign_metrics: 1 }, 'gold');
const g2 = layerVersion('g2', { campaign_metrics: 2 }, 'gold');
const runs = [
  run('b1', 'bronze', 'succeeded'),
  run('s1', 'silver', 'succeeded', s1),
  run('g1', 'gold', 'succeeded', g1),
  run('s2', 'silver', 'succeeded', s2),
  run('s-failed', 'silver', 'failed'),
  run('g2', 'gold', 'succeeded', g2),
  run('s3', 'silver', 'succeeded', s3),
  run('s-idle', 'silver', 'nothing new'),
];

describe('the versions lake maintain keeps readable', () => {
  it('are, per table, those of the last N published versions of its layer', () => {
    expect(oldestKeptVersions(runs, { silver: s3, gold: g2 }, 2)).toEqual(
      new Map([
        ['silver/transactions', 3],
        ['silver/transactions_quarantine', 2],
        ['gold/campaign_metrics', 1],
      ]),
    );
    expect(oldestKeptVersions(runs, { silver: s3, gold: g2 }, 10).get('silver/transactions')).toBe(1);
  });

  it('always include the version the pointer names, even when newer runs published later versions', () => {
    // s3 succeeded but its pointer was never moved: readers still read s2.
    const kept = oldestKeptVersions(runs, { silver: s2, gold: g2 }, 1);
    expect(kept.get('silver/transactions')).toBe(3);
    expect(kept.get('gold/campaign_metrics')).toBe(2);
  });

  it('are none for a lake that published nothing', () => {
    expect(oldestKeptVersions([run('b1', 'bronze', 'succeeded')], { silver: undefined, gold: undefined }, 3).size).toBe(0);
  });
});
