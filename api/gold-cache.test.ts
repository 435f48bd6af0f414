// The gold cache's states, with the pointer and the loader replaced by functions the test
// controls: loads on a new version only, keeps serving the last version when a check fails.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../control/config.js';
import type { PublishedLayer } from '../control/runs/published.js';
import { GoldCache, type GoldLoader } from './gold-cache.js';
import { sampleGold } from './test-support.js';

const version = (runId: string): PublishedLayer => ({ runId, publishedAt: '2026-11-28T00:00:00Z', tables: {}, madeFrom: [] });

function cache(pointer: () => Promise<PublishedLayer | undefined>) {
  const loads: string[] = [];
  const load: GoldLoader = async (v) => {
    loads.push(v.runId);
    if (v.runId === 'broken') throw new Error('Spark Connect unreachable');
    return sampleGold.tables;
  };
  return { gold: new GoldCache(loadConfig({}), { pollMs: 60_000, readPointer: pointer, load }), loads };
}

describe('GoldCache', () => {
  it('is empty, with the reason, while no gold is published', async () => {
    const { gold } = cache(async () => undefined);
    await gold.check();
    expect(gold.snapshot()).toBeUndefined();
    expect(gold.status()).toMatchObject({ state: 'empty', error: expect.stringMatching(/no gold version/) as string });
  });

  it('loads a version once, and a new one when the pointer moves', async () => {
    let current = version('run-1');
    const { gold, loads } = cache(async () => current);
    await gold.check();
    await gold.check();
    expect(loads).toEqual(['run-1']);
    current = version('run-2');
    await gold.check();
    expect(loads).toEqual(['run-1', 'run-2']);
    expect(gold.status()).toMatchObject({ state: 'ready', version: 'run-2' });
  });

  it('keeps serving the last version, marked stale, when HDFS or Spark fail', async () => {
    let pointer: () => Promise<PublishedLayer | undefined> = async () => version('run-1');
    const { gold } = cache(() => pointer());
    await gold.check();
    pointer = async () => {
      throw new Error('HDFS is down');
    };
    await gold.check();
    expect(gold.snapshot()?.version).toBe('run-1');
    expect(gold.status()).toMatchObject({ state: 'stale', version: 'run-1', error: 'HDFS is down' });
    pointer = async () => version('broken');
    await gold.check();
    expect(gold.status()).toMatchObject({ state: 'stale', version: 'run-1', error: 'Spark Connect unreachable' });
    pointer = async () => version('run-3');
    await gold.check();
    expect(gold.status()).toMatchObject({ state: 'ready', version: 'run-3' });
  });

  it('shares one check between concurrent callers', async () => {
    const { gold, loads } = cache(async () => version('run-1'));
    await Promise.all([gold.check(), gold.check(), gold.check()]);
    expect(loads).toEqual(['run-1']);
  });

  it('tells its listeners each version it loads, once the state says it is ready, and only new ones', async () => {
    let pointer: () => Promise<PublishedLayer | undefined> = async () => version('run-1');
    const { gold } = cache(() => pointer());
    const seen: { version: string; state: string; stateVersion?: string }[] = [];
    const unsubscribe = gold.onVersion((snapshot) => {
      expect(gold.snapshot()).toBe(snapshot);
      seen.push({ version: snapshot.version, state: gold.status().state, stateVersion: gold.status().version });
    });
    await gold.check();
    await gold.check(); // the same version: no news
    pointer = async () => {
      throw new Error('HDFS is down');
    };
    await gold.check();
    pointer = async () => version('broken'); // a version that fails to load is not announced
    await gold.check();
    pointer = async () => version('run-2');
    await gold.check();
    expect(seen).toEqual([
      { version: 'run-1', state: 'ready', stateVersion: 'run-1' },
      { version: 'run-2', state: 'ready', stateVersion: 'run-2' },
    ]);
    unsubscribe();
    pointer = async () => version('run-3');
    await gold.check();
    expect(seen).toHaveLength(2);
  });

  it('keeps checking when a listener throws: the failure is logged, not taken for a failed check', async () => {
    const logged: string[] = [];
    const gold = new GoldCache(loadConfig({}), { pollMs: 60_000, readPointer: async () => version('run-1'), load: async () => sampleGold.tables, log: (line) => logged.push(line) });
    gold.onVersion(() => {
      throw new Error('a broken listener');
    });
    const told: string[] = [];
    gold.onVersion((snapshot) => told.push(snapshot.version));
    await gold.check();
    expect(gold.status()).toMatchObject({ state: 'ready', version: 'run-1' });
    expect(gold.status().error).toBeUndefined();
    expect(told).toEqual(['run-1']);
    expect(logged).toContain('a gold version listener failed: Error: a broken listener');
  });
});
