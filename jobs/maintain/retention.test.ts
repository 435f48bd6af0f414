import { describe, expect, it } from 'vitest';
import { marginHours, tombstoneRetentionHours, vacuumPlan } from './retention.js';

const now = new Date('2026-12-01T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const commit = (version: number, age: number, blindAppend = false) => ({ version, timestamp: hoursAgo(age), blindAppend });

describe('the retention VACUUM runs with', () => {
  it('reaches back to the first commit after the kept version that removed files, rounded up, plus the margin', () => {
    const history = [commit(0, 50, true), commit(1, 40), commit(2, 30.2), commit(3, 10), commit(4, 0.1)];
    expect(vacuumPlan(history, 1, now)).toEqual({ retainHours: 31 + marginHours });
    expect(vacuumPlan(history, 3, now)).toEqual({ retainHours: 1 + marginHours });
    expect(vacuumPlan(history, 0, now)).toEqual({ retainHours: 40 + marginHours });
  });

  it('ignores commits that only added files (appends, VACUUM’s own commits)', () => {
    const history = [commit(5, 30), commit(6, 20, true), commit(7, 2.5), commit(8, 1, true), commit(9, 1, true)];
    expect(vacuumPlan(history, 5, now)).toEqual({ retainHours: 3 + marginHours });
  });

  it('is 0 hours when nothing after the kept version removed a file, as when it is the latest', () => {
    expect(vacuumPlan([commit(0, 9), commit(1, 5)], 1, now)).toEqual({ retainHours: 0 });
    expect(vacuumPlan([commit(0, 9), commit(1, 5), commit(2, 4, true), commit(3, 4, true)], 1, now)).toEqual({ retainHours: 0 });
  });

  it('is whole hours, never less than the margin once a file was removed, even with a clock behind the commits', () => {
    expect(vacuumPlan([commit(0, 1), commit(1, 0)], 0, now)).toEqual({ retainHours: marginHours });
    expect(vacuumPlan([commit(0, 1), commit(1, -0.5)], 0, now)).toEqual({ retainHours: marginHours });
  });

  it("does not vacuum when the kept version's files were removed longer ago than Delta remembers removals", () => {
    const plan = vacuumPlan([commit(0, 400), commit(1, tombstoneRetentionHours)], 0, now);
    expect(plan).toMatchObject({ skipped: expect.stringContaining(`needs ${tombstoneRetentionHours + marginHours} h`) });
    expect(vacuumPlan([commit(0, 400), commit(1, tombstoneRetentionHours - marginHours)], 0, now)).toEqual({ retainHours: tombstoneRetentionHours });
  });
});
