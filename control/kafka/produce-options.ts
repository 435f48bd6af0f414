// Parsing of the `lake produce` settings typed by a user: each error names the option and the value.
import { LakeError } from '../errors.js';

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `60s`, `2m`, `1h`, `500ms`, `1.5m`, or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string, option = '--duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = match ? Number(match[1]) * (durationUnits[match[2] ?? 's'] ?? 1000) : NaN;
  if (!(ms > 0)) throw new LakeError(`${option} ${JSON.stringify(text)} is not a duration`, 'write it like 60s, 2m, 1h or 500ms');
  return Math.round(ms);
}

/** A share like `2%`, `0.5 %` or a fraction `0.02`, as a fraction in [0, 1]. */
export function parseShare(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const share = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(share >= 0 && share <= 1)) throw new LakeError(`${option} ${JSON.stringify(text)} is not a share between 0 and 1`, 'write it as a percentage like 2% or a fraction like 0.02');
  return share;
}

/** A whole number ≥ `min`. */
export function parseWholeNumber(text: string, option: string, min = 1): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) throw new LakeError(`${option} ${JSON.stringify(text)} is not a whole number ≥ ${min}`);
  return value;
}

/** A positive number, fractions allowed (a rate of 0.5 events/s is one event every two seconds). */
export function parsePositiveNumber(text: string, option: string): number {
  const value = /^\s*\d+(?:\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(value > 0)) throw new LakeError(`${option} ${JSON.stringify(text)} is not a positive number`);
  return value;
}

/** A seed: a 32-bit unsigned integer, the generator's whole state. */
export function parseSeed(text: string): number {
  const seed = parseWholeNumber(text, '--seed', 0);
  if (seed > 0xffffffff) throw new LakeError(`--seed ${JSON.stringify(text)} is out of range`, 'a seed is a whole number from 0 to 4294967295');
  return seed;
}

/** An instant for `--now`: ISO-8601 or epoch milliseconds. */
export function parseInstant(text: string, option: string): number {
  const ms = /^\s*\d+\s*$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new LakeError(`${option} ${JSON.stringify(text)} is not a date`, 'write it as ISO-8601 (2026-01-31T12:00:00Z) or epoch milliseconds');
  return ms;
}
