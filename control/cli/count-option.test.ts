import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { countOption } from './count-option.js';

describe('a count option', () => {
  it('is a whole number from 1', () => {
    expect(countOption('1')).toBe(1);
    expect(countOption('25')).toBe(25);
  });

  it('refuses anything else as a usage error', () => {
    for (const value of ['0', '-1', '2.5', 'abc', '', '1e3']) expect(() => countOption(value), value).toThrow(InvalidArgumentError);
  });
});
