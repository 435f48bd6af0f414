import { describe, expect, it } from 'vitest';
import { alive } from './lock.js';

const failing = (code: string) => () => {
  throw Object.assign(new Error(code), { code });
};

describe('whether a lock holder lives', () => {
  it('is this very process', () => {
    expect(alive(process.pid)).toBe(true);
  });

  it("is alive when signalling it is not permitted: it is another user's process", () => {
    expect(alive(1234, failing('EPERM'))).toBe(true);
  });

  it('is dead when no such process exists', () => {
    expect(alive(1234, failing('ESRCH'))).toBe(false);
  });
});
