// The figures the benchmarks report of repeated measures: the median and the spread.

/** The middle value (the mean of the two middle ones for an even count); NaN when there is none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
}

/** `min–max`, with `digits` decimals and a unit after it: `1.2–3.4 s`. */
export const spread = (values: readonly number[], digits = 1, unit = ' s') => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}${unit}`;
