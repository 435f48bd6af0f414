import { describe, expect, it } from 'vitest';
import { mulberry32, seededRandom, seededUuid } from './random.js';

describe('seeded randomness', () => {
  it('repeats the same stream for the same seed, in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(draws);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });

  it('keeps int, pick and weighted within their bounds', () => {
    const random = seededRandom(1);
    const ints = Array.from({ length: 2000 }, () => random.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    const heavy = Array.from({ length: 2000 }, () => random.weighted(['rare', 'common'], (item) => (item === 'rare' ? 1 : 9)));
    const rare = heavy.filter((item) => item === 'rare').length;
    expect(rare).toBeGreaterThan(100);
    expect(rare).toBeLessThan(300);
  });

  it('makes version-4 UUIDs that never repeat within a run and differ between seeds', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => seededUuid(7, i));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seededUuid(7, 12)).toBe(seededUuid(7, 12));
    const otherSeed = new Set(Array.from({ length: 50_000 }, (_, i) => seededUuid(8, i)));
    expect(ids.some((id) => otherSeed.has(id))).toBe(false);
  });
});
