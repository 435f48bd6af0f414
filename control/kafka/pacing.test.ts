import { describe, expect, it } from 'vitest';
import { eventsDue, msUntilNextDue } from './pacing.js';
import { parseDuration, parseInstant, parseSeed, parseShare, parseWholeNumber } from './produce-options.js';

describe('pacing of a steady flow', () => {
  it('owes rate × elapsed events, capped by the total', () => {
    expect(eventsDue(200, 0, 12_000)).toBe(0);
    expect(eventsDue(200, 4, 12_000)).toBe(0);
    expect(eventsDue(200, 5, 12_000)).toBe(1);
    expect(eventsDue(200, 1_000, 12_000)).toBe(200);
    expect(eventsDue(200, 60_000, 12_000)).toBe(12_000);
    expect(eventsDue(200, 120_000, 12_000)).toBe(12_000);
    expect(eventsDue(0.5, 3_999, 10)).toBe(1);
  });

  it('waits until the next event is due', () => {
    expect(msUntilNextDue(200, 0, 0)).toBe(5);
    expect(msUntilNextDue(200, 200, 998)).toBe(7);
    expect(msUntilNextDue(200, 10, 1_000)).toBe(0);
    expect(msUntilNextDue(0.5, 1, 1_000)).toBe(3_000);
  });
});

describe('produce options', () => {
  it('reads durations with units, bare numbers as seconds', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30')).toBe(30_000);
    expect(() => parseDuration('soon')).toThrow(/--duration "soon" is not a duration/);
    expect(() => parseDuration('0s')).toThrow(/not a duration/);
  });

  it('reads shares as percentages or fractions', () => {
    expect(parseShare('2%', '--dirty-rate')).toBe(0.02);
    expect(parseShare('0.5 %', '--dirty-rate')).toBe(0.005);
    expect(parseShare('0.1', '--dirty-rate')).toBe(0.1);
    expect(parseShare('0', '--dirty-rate')).toBe(0);
    expect(() => parseShare('2', '--dirty-rate')).toThrow(/--dirty-rate "2" is not a share/);
    expect(() => parseShare('150%', '--dirty-rate')).toThrow(/not a share/);
  });

  it('reads counts, seeds and instants', () => {
    expect(parseWholeNumber('1000', '--count')).toBe(1000);
    expect(() => parseWholeNumber('0', '--count')).toThrow(/--count "0" is not a whole number ≥ 1/);
    expect(() => parseWholeNumber('1e3', '--count')).toThrow(/not a whole number/);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('4294967295')).toBe(4294967295);
    expect(() => parseSeed('4294967296')).toThrow(/out of range/);
    expect(parseInstant('2026-01-31T12:00:00Z', '--now')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseInstant('1769860800000', '--now')).toBe(1769860800000);
    expect(() => parseInstant('tomorrow', '--now')).toThrow(/not a date/);
  });
});
