import { describe, expect, it } from 'vitest';
import { LakeError } from '../control/errors.js';
import type { RunManifest } from '../control/runs/manifest.js';
import type { PublishedLayer } from '../control/runs/published.js';
import { lakeAsOf } from './as-of.js';

const layerVersion = (runId: string, madeFrom: string[]): PublishedLayer => ({ runId, publishedAt: '2026-12-01T00:00:00Z', tables: {}, madeFrom });
/** As the layers record runs: a silver run names its own batches and its base, its `published` no batch. */
const run = (runId: string, layer: RunManifest['layer'], outcome: RunManifest['outcome'], madeFrom: string[] = [], builtOn?: string): RunManifest => {
  const version = outcome === 'succeeded' && layer !== 'bronze' ? layerVersion(runId, madeFrom) : undefined;
  if (version && layer === 'silver') delete (version as { madeFrom?: string[] }).madeFrom;
  return {
    runId,
    layer,
    outcome,
    startedAt: '2026-12-01T00:00:00Z',
    endedAt: '2026-12-01T00:00:00Z',
    madeFrom,
    ...(builtOn ? { builtOn } : {}),
    published: version,
  };
};

const runs = [
  run('b1', 'bronze', 'succeeded'),
  run('s1', 'silver', 'succeeded', ['b1']),
  run('g1', 'gold', 'succeeded', ['s1']),
  run('g1-again', 'gold', 'succeeded', ['s1']),
  run('b2', 'bronze', 'succeeded'),
  run('s2', 'silver', 'succeeded', ['b2'], 's1'),
  run('g-failed', 'gold', 'failed', ['s2']),
  run('g-idle', 'gold', 'nothing new', ['s2']),
];

const failure = (runId: string, manifests: readonly RunManifest[] = runs): LakeError => {
  try {
    lakeAsOf(manifests, runId);
  } catch (error) {
    return error as LakeError;
  }
  throw new Error(`lakeAsOf accepted ${runId}`);
};

describe('the lake as a run published it', () => {
  it("of a gold run: its gold, with the silver it was computed from", () => {
    const asOf = lakeAsOf(runs, 'g1');
    expect([asOf.silver.runId, asOf.gold?.runId, asOf.warnings]).toEqual(['s1', 'g1', []]);
    expect([asOf.silver.madeFrom, asOf.gold?.madeFrom]).toEqual([['b1'], ['s1']]);
  });

  it('of a silver run: its silver, with the newest gold computed from it', () => {
    const asOf = lakeAsOf(runs, 's1');
    expect([asOf.silver.runId, asOf.gold?.runId]).toEqual(['s1', 'g1-again']);
  });

  it('of a silver run no gold was computed from: no gold, and a warning', () => {
    const asOf = lakeAsOf(runs, 's2');
    expect(asOf.silver.runId).toBe('s2');
    expect(asOf.silver.madeFrom).toEqual(['b1', 'b2']);
    expect(asOf.gold).toBeUndefined();
    expect(asOf.warnings).toEqual(['no gold was computed from silver run s2: there are no gold views']);
  });

  it('of a lake written before silver manifests stopped naming every batch: the batches they name', () => {
    const old = runs.map((manifest) => (manifest.layer === 'silver' && manifest.published ? { ...manifest, builtOn: undefined, published: layerVersion(manifest.runId, manifest.runId === 's1' ? ['b1'] : ['b1', 'b2']) } : manifest));
    expect(lakeAsOf(old, 's2').silver.madeFrom).toEqual(['b1', 'b2']);
    expect(lakeAsOf(old, 'g1').silver.madeFrom).toEqual(['b1']);
  });

  it('is refused for a run that published nothing, saying why and which runs can be read', () => {
    expect(failure('nope').message).toBe('there is no run nope in the lake');
    expect(failure('b1').message).toBe('run b1 is a bronze run: it landed inputs but published no silver or gold version');
    expect(failure('g-failed').message).toBe('gold run g-failed failed: it published no version');
    expect(failure('g-idle').message).toBe('gold run g-idle found nothing new: it published no version');
    expect(failure('nope').hint).toBe('--as-of takes the id of a succeeded silver or gold run: `lake runs` lists them (the latest: s2 silver, g1-again gold, g1 gold)');
    expect(failure('nope', [run('b1', 'bronze', 'succeeded')]).hint).toBe('--as-of takes the id of a succeeded silver or gold run: `lake runs` lists them');
  });

  it('is refused for a gold run whose silver run is not in the manifests', () => {
    expect(failure('g1', runs.filter((manifest) => manifest.runId !== 's1')).message).toBe(
      'gold run g1 was computed from silver run s1, which has no published silver version in the run manifests',
    );
  });
});
