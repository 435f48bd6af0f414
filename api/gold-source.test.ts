import { describe, expect, it } from 'vitest';
import { GoldMirror, servedSnapshot } from './gold-source.js';
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
});
