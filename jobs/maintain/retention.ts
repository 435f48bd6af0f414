// How long VACUUM must keep removed files so that a table's oldest kept version stays readable.
// A version's files leave the table only through later commits that remove files (an overwrite,
// OPTIMIZE, a REPLACE WHERE); VACUUM deletes a removed file once its removal is older than the
// retention. So the retention must reach back to the first commit after the kept version that
// removed anything: its age, in whole hours rounded up (Delta takes whole hours), plus a margin
// for the time between a commit's removals and its timestamp (the commit writes its data in
// between). When no commit after the kept version removed a file, nothing it references can be
// deleted: RETAIN 0 HOURS then removes every older version's files.
//
// Delta itself forgets a removal after the table's `delta.deletedFileRetentionDuration` (7 days by
// default; the lake does not change it): a retention beyond that cannot protect the version, as
// VACUUM would then see its files as never tracked. Such a table is not vacuumed at all.
import type { DeltaHistoryCommit } from '../delta-history.js';

/** Delta's default `delta.deletedFileRetentionDuration`, in hours. */
export const tombstoneRetentionHours = 168;
/** Added to the age of the first removal: a commit may take this long to write its data. */
export const marginHours = 1;

export type VacuumPlan = { retainHours: number } | { skipped: string };

export function vacuumPlan(history: readonly Pick<DeltaHistoryCommit, 'version' | 'timestamp' | 'blindAppend'>[], oldestKept: number, now: Date): VacuumPlan {
  const removals = history.filter((commit) => commit.version > oldestKept && !commit.blindAppend);
  if (removals.length === 0) return { retainHours: 0 };
  const firstRemoval = removals.reduce((first, commit) => (commit.version < first.version ? commit : first));
  const age = Math.max(0, now.getTime() - firstRemoval.timestamp.getTime());
  const retainHours = Math.ceil(age / 3_600_000) + marginHours;
  if (retainHours > tombstoneRetentionHours) {
    return {
      skipped:
        `keeping version ${oldestKept} readable needs ${retainHours} h, beyond Delta's tombstone retention (${tombstoneRetentionHours} h): ` +
        'not vacuumed (keep fewer versions to let VACUUM run)',
    };
  }
  return { retainHours };
}
