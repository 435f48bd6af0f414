// Top N + "others": with hundreds of products a chart keeps the N that matter most and sums the
// rest into one row, so that it stays readable and still accounts for every record.

export interface TopOptions {
  /** How many products (or campaigns) get their own bar; the rest share one (default 20). */
  top?: number;
}

/**
 * The `n` rows ranking first by `weight` (ties by `name`, so the choice is stable), and the rest.
 * With at most `n + 1` rows there is nothing to fold: one "others" row would hide one row.
 */
export function topN<T>(rows: readonly T[], n: number, weight: (row: T) => number, name: (row: T) => string): { top: T[]; rest: T[] } {
  const ranked = [...rows].sort((a, b) => weight(b) - weight(a) || name(a).localeCompare(name(b)));
  if (ranked.length <= n + 1) return { top: ranked, rest: [] };
  return { top: ranked.slice(0, n), rest: ranked.slice(n) };
}

/** The label of the row that stands for `count` others, e.g. `Other products (13)`. */
export function othersLabel(what: string, count: number): string {
  return `Other ${what} (${count})`;
}
