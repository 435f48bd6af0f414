import { describe, expect, it } from 'vitest';
import { GoldMirror, servedSnapshot, type GoldStatus } from './gold-source.js';
import { sampleGold } from './test-support.js';

const { bodies: _bodies, ...loaded } = sampleGold;

describe('gold as served', () => {
  it('serializes each table once, as the JSON of its rows', () => {
    const served = servedSnapshot(loaded);
    for (const [table, rows] of Object.entries(loaded.tables)) expect(JSON.parse(served.bodies[table as keyof typeof served.bodies].toString('utf8'))).toEqual(rows);
  });

  it("mirrors a primary's gold: a new version is served from its own bodies, the same version keeps its bodies", () => {
    const mirror = new GoldMirror();
    expect(mirror.snapshot()).toBeUndefined();
    expect(mirror.status()).toEqual({ state: 'empty' });

    mirror.update(loaded, { state: 'ready', version: loaded.version });
    const first = mirror.snapshot();
    expect(first?.version).toBe(loaded.version);
    mirror.update(loaded, { state: 'stale', version: loaded.version, error: 'HDFS down' });
    expect(mirror.snapshot()).toBe(first);
    expect(mirror.status()).toMatchObject({ state: 'stale', error: 'HDFS down' });

    const next = { ...loaded, version: 'next', tables: { ...loaded.tables, status_code_counts: [{ status_code: 500, count_requests: 1 }] } };
    mirror.update(next, { state: 'ready', version: 'next' });
    expect(JSON.parse(mirror.snapshot()!.bodies.status_code_counts.toString('utf8'))).toEqual([{ status_code: 500, count_requests: 1 }]);
  });

  it('tells its listeners each new version once, after it is served, and stops telling one that unsubscribed', () => {
    const logged: string[] = [];
    const mirror = new GoldMirror((line) => logged.push(line));
    const seen: string[] = [];
    const statuses: GoldStatus[] = [];
    const unsubscribe = mirror.onVersion((snapshot) => {
      seen.push(snapshot.version);
      expect(mirror.snapshot()).toBe(snapshot);
      statuses.push(mirror.status());
    });
    const other: string[] = [];
    mirror.onVersion(() => {
      throw new Error('a broken listener');
    });
    mirror.onVersion((snapshot) => other.push(snapshot.version));

    mirror.update(undefined, { state: 'empty', error: 'nothing yet' });
    mirror.update(loaded, { state: 'ready', version: loaded.version });
    mirror.update(loaded, { state: 'stale', version: loaded.version, error: 'HDFS down' });
    mirror.update({ ...loaded, version: 'next' }, { state: 'ready', version: 'next' });
    expect(seen).toEqual([loaded.version, 'next']);
    expect(statuses.map((status) => status.version)).toEqual([loaded.version, 'next']);
    // A listener that throws is logged, and the ones after it are still told.
    expect(other).toEqual([loaded.version, 'next']);
    expect(logged).toEqual(['a gold version listener failed: Error: a broken listener', 'a gold version listener failed: Error: a broken listener']);

    unsubscribe();
    mirror.update({ ...loaded, version: 'third' }, { state: 'ready', version: 'third' });
    expect(seen).toEqual([loaded.version, 'next']);
    expect(other).toEqual([loaded.version, 'next', 'third']);
  });
});
