// The figures the benchmarks report of repeated measures: the median and the spread.

/** The middle value (the lower of the two middle ones for an even count); NaN when there is none. */
export const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;

/** `min–max`, with `digits` decimals and a unit after it: `1.2–3.4 s`. */
export const spread = (values: readonly number[], digits = 1, unit = ' s') => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}${unit}`;
