// How much sample data a scale means: records per source, and how many files they are split over.
import type { Random } from './random.js';

export const scales = {
  xs: { records: 1_000, files: 4 },
  s: { records: 100_000, files: 4 },
  m: { records: 1_000_000, files: 8 },
  l: { records: 10_000_000, files: 16 },
} as const;

export type Scale = keyof typeof scales;

export function isScale(value: string): value is Scale {
  return Object.hasOwn(scales, value);
}

/**
 * Splits a source's records over its files unevenly (each share within ±25 % of the mean), as
 * real daily or monthly exports are; every file gets at least two records.
 */
export function splitRecords(total: number, files: number, random: Random): number[] {
  const shares = Array.from({ length: files }, () => 0.75 + random.float() / 2);
  const sum = shares.reduce((a, b) => a + b, 0);
  const counts = shares.map((share) => Math.max(2, Math.floor((total * share) / sum)));
  // Rounding leaves a few records over (or short): the last file takes the difference.
  const rest = total - counts.reduce((a, b) => a + b, 0);
  counts[files - 1] = (counts[files - 1] as number) + rest;
  return counts;
}
