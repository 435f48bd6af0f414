import { describe, expect, it } from 'vitest';
import { arrivalRate } from './arrival-rate.js';

describe('arrivalRate', () => {
  const at = (iso: string) => Date.parse(iso);

  it('divides the rows a landing read by the seconds since the landing before started its last trigger', () => {
    // 6 000 rows read 3 s after the previous landing: 2 000 a second.
    expect(arrivalRate([{ timestamp: '2026-12-05T10:00:03.000Z', numInputRows: 6000 }], at('2026-12-05T10:00:00.000Z'))).toBe(2000);
  });

  it('sums every trigger of a landing that read a backlog in several epochs, up to the last one', () => {
    const triggers = [
      { timestamp: '2026-12-05T10:00:02.000Z', numInputRows: 5000 },
      { timestamp: '2026-12-05T10:00:04.000Z', numInputRows: 3000 },
    ];
    expect(arrivalRate(triggers, at('2026-12-05T10:00:00.000Z'))).toBe(2000);
  });

  it('has no rate for the first landing, a landing without triggers, or clocks out of order', () => {
    expect(arrivalRate([{ timestamp: '2026-12-05T10:00:03.000Z', numInputRows: 10 }], undefined)).toBeUndefined();
    expect(arrivalRate([], at('2026-12-05T10:00:00.000Z'))).toBeUndefined();
    expect(arrivalRate([{ timestamp: '2026-12-05T10:00:00.000Z', numInputRows: 10 }], at('2026-12-05T10:00:00.000Z'))).toBeUndefined();
  });
});
