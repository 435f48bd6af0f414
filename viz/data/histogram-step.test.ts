import { describe, expect, it } from 'vitest';
import { histogramStep } from './histogram-step.js';

describe('histogramStep', () => {
  it('is 1, 2 or 5 times a power of ten, giving at most about 40 bins', () => {
    expect(histogramStep(299, { integers: false })).toBe(10);
    expect(histogramStep(1_000_000, { integers: false })).toBe(50_000);
    expect(histogramStep(7.5, { integers: false })).toBe(0.2);
    expect(histogramStep(32, { integers: true })).toBe(1);
    expect(histogramStep(100, { integers: true })).toBe(5);
  });

  it('is 1 when there is no range', () => {
    expect(histogramStep(0, { integers: false })).toBe(1);
    expect(histogramStep(Number.NaN, { integers: true })).toBe(1);
  });
});
