import { describe, expect, it } from 'vitest';
import { KindPicker } from './kinds.js';
import type { RecordKind } from './kinds.js';
import { KeptRecords, Reservoir } from './memory.js';
import { Random } from './random.js';

const kind = (name: string, reason: string | null, weight: number, fits?: () => boolean): RecordKind => ({ name, reason, weight, fits, make: () => name });

function pickMany(picker: KindPicker, count: number): string[] {
  return Array.from({ length: count }, () => picker.pick()?.name ?? 'plain');
}

describe('KindPicker', () => {
  it('draws dirty kinds at about the dirty rate', () => {
    const picker = new KindPicker([kind('bad', 'malformed_row', 1), kind('variation', null, 1)], new Random(1, 'kinds'), 0.1);
    const share = pickMany(picker, 20_000).filter((name) => name === 'bad').length / 20_000;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });

  it('forces in every kind not drawn yet, once it fits, even with a tiny weight', () => {
    let fits = false;
    const kinds = [kind('rare-bad', 'malformed_row', 1e-9), kind('rare-variation', null, 1e-9), kind('later', 'duplicate:post_id', 1e-9, () => fits)];
    const picker = new KindPicker([kind('common', 'malformed_row', 1), ...kinds], new Random(2, 'kinds'), 0.01);
    picker.startForcing(100);
    const before = pickMany(picker, 50);
    fits = true;
    const after = pickMany(picker, 50);
    expect(before).toContain('rare-bad');
    expect(before).toContain('rare-variation');
    expect(before).not.toContain('later');
    expect(after.filter((name) => name === 'later')).toHaveLength(1);
  });

  it('never makes a dirty record with a dirty rate of 0, forced or not', () => {
    const picker = new KindPicker([kind('bad', 'malformed_row', 1), kind('variation', null, 1)], new Random(3, 'kinds'), 0);
    picker.startForcing(10);
    const names = pickMany(picker, 5000);
    expect(names).not.toContain('bad');
    expect(names).toContain('variation');
  });
});

describe('KeptRecords', () => {
  it('keeps a bounded sample, tells this file from earlier ones, and hands out quarantined ids once', () => {
    const random = new Random(4, 'memory');
    const sample = new Reservoir<number>(10, random);
    for (let i = 0; i < 100_000; i++) sample.offer(i);
    expect(sample.size).toBe(10);

    const kept = new KeptRecords<string>(random);
    kept.startFile();
    kept.kept('first-file');
    expect(kept.fromEarlierFiles()).toBeUndefined();
    kept.startFile();
    expect(kept.hasThisFile).toBe(false);
    expect(kept.fromEarlierFiles()).toBe('first-file');

    kept.quarantined('TX1');
    expect(kept.takeQuarantinedId()).toBe('TX1');
    expect(kept.hasQuarantinedIds).toBe(false);
  });
});
