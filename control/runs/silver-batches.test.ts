import { describe, expect, it } from 'vitest';
import { LakeError } from '../errors.js';
import type { BronzeRun, RunManifest, SilverRun } from './manifest.js';
import { heldBatches, rowBatchesOf, silverBatchesOf } from './silver-batches.js';

const at = '2026-12-01T00:00:00Z';
const bronze = (runId: string): BronzeRun => ({ runId, layer: 'bronze', outcome: 'succeeded', startedAt: at, endedAt: at });

/** A silver run as jobs/silver.ts records it now: its own batches and its base, no list in `published`. */
function silver(runId: string, outcome: SilverRun['outcome'], madeFrom: string[], base: { builtOn?: string; fullRefresh?: boolean } = {}): SilverRun {
  return {
    runId,
    layer: 'silver',
    outcome,
    startedAt: at,
    endedAt: at,
    madeFrom,
    fullRefresh: base.fullRefresh ?? false,
    ...(base.builtOn ? { builtOn: base.builtOn } : {}),
    ...(outcome === 'succeeded' ? { published: { runId, publishedAt: at, tables: { t: { path: 'silver/t', version: 1 } } } } : {}),
  };
}

/** A silver run of a lake written before the fix: `published.madeFrom` names every batch the version holds. */
function oldSilver(runId: string, madeFrom: string[], held: string[]): SilverRun {
  return { ...silver(runId, 'succeeded', madeFrom), published: { runId, publishedAt: at, tables: {}, madeFrom: held } };
}

// The history of a lake, oldest first. The pointer named s1, s2, s4, s6, s7, s8, f9, s10 in turn.
const runs: RunManifest[] = [
  bronze('b1'),
  silver('s1', 'succeeded', ['b1']),
  bronze('b2'),
  silver('s2', 'succeeded', ['b2'], { builtOn: 's1' }),
  bronze('b3'),
  // Failed before publishing: the pointer stays on s2, and s4 cleans b3 again.
  silver('s3', 'failed', ['b3'], { builtOn: 's2' }),
  silver('s4', 'succeeded', ['b3'], { builtOn: 's2' }),
  bronze('b4'),
  // Says succeeded, but the pointer never named it: its publication failed and the manifest could
  // not be replaced (layer-run.ts). s6 starts from s4, the version the pointer names, and cleans b4 again.
  silver('s5', 'succeeded', ['b4'], { builtOn: 's4' }),
  bronze('b5'),
  silver('s6', 'succeeded', ['b4', 'b5'], { builtOn: 's4' }),
  // A full refresh in the middle: every batch again.
  silver('s7', 'succeeded', ['b1', 'b2', 'b3', 'b4', 'b5'], { fullRefresh: true }),
  bronze('b6'),
  silver('s8', 'succeeded', ['b6'], { builtOn: 's7' }),
  silver('s8-idle', 'nothing new', [], { builtOn: 's8' }),
  bronze('b7'),
  // Says failed, but the pointer did name it (the rename happened after the run looked): s10 adds to it.
  silver('f9', 'failed', ['b7'], { builtOn: 's8' }),
  bronze('b8'),
  silver('s10', 'succeeded', ['b8'], { builtOn: 'f9' }),
  bronze('b9'),
  // A full refresh the pointer never named: s12 starts from s10, and holds what a full refresh would.
  silver('s11', 'succeeded', ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'], { fullRefresh: true }),
  silver('s12', 'succeeded', ['b9'], { builtOn: 's10' }),
];

const batches = (n: number) => Array.from({ length: n }, (_, i) => `b${i + 1}`);

describe('the bronze batches a silver version holds', () => {
  it('add up, run after run, the batches each run cleaned on top of the version before', () => {
    expect(silverBatchesOf(runs, 's1')).toEqual(['b1']);
    expect(silverBatchesOf(runs, 's2')).toEqual(['b1', 'b2']);
  });

  it("leave out a failed run's batches: the next run cleans them again on the version the pointer kept", () => {
    expect(silverBatchesOf(runs, 's4')).toEqual(['b1', 'b2', 'b3']);
  });

  it('of a run that says succeeded but that the pointer never named: its base and its own, for it alone', () => {
    expect(silverBatchesOf(runs, 's5')).toEqual(['b1', 'b2', 'b3', 'b4']);
    // The run after it was built on s4, the version the pointer named, and took b4 again.
    expect(silverBatchesOf(runs, 's6')).toEqual(batches(5));
  });

  it('start again at a full refresh, which holds every batch', () => {
    expect(silverBatchesOf(runs, 's7')).toEqual(batches(5));
    expect(silverBatchesOf(runs, 's8')).toEqual(batches(6));
  });

  it('of a run the pointer named although its manifest says failed: the runs built on it hold its batches', () => {
    expect(silverBatchesOf(runs, 's10')).toEqual(batches(8));
  });

  it('of a run built beside a full refresh the pointer never named: the refresh is not its base', () => {
    expect(silverBatchesOf(runs, 's11')).toEqual(batches(9));
    expect(silverBatchesOf(runs, 's12')).toEqual(batches(9));
  });

  it('are the same from a map of the runs by id', () => {
    expect(silverBatchesOf(new Map(runs.map((run) => [run.runId, run])), 's12')).toEqual(batches(9));
  });

  it('of a lake written before the fix: the list an old manifest holds, and the runs after it on top', () => {
    const old: RunManifest[] = [
      bronze('b1'),
      oldSilver('o1', ['b1'], ['b1']),
      bronze('b2'),
      oldSilver('o2', ['b2'], ['b1', 'b2']),
      bronze('b3'),
      // An old run the pointer never named: its list is its base's and its own.
      oldSilver('o3', ['b3'], ['b1', 'b2', 'b3']),
      bronze('b4'),
      silver('n4', 'succeeded', ['b3', 'b4'], { builtOn: 'o2' }),
      silver('n5', 'succeeded', [], { builtOn: 'n4' }),
    ];
    expect(silverBatchesOf(old, 'o2')).toEqual(['b1', 'b2']);
    expect(silverBatchesOf(old, 'o3')).toEqual(['b1', 'b2', 'b3']);
    expect(silverBatchesOf(old, 'n4')).toEqual(batches(4));
    expect(silverBatchesOf(old, 'n5')).toEqual(batches(4));
  });

  it('cannot be told when a base has no manifest, and say so', () => {
    const gap = runs.filter((run) => run.runId !== 's4');
    const error = (() => {
      try {
        silverBatchesOf(gap, 's6');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(LakeError);
    expect((error as LakeError).message).toBe('silver run s4 (the base of s6) has no manifest in the lake: the bronze batches silver held then cannot be told');
    expect(() => silverBatchesOf(runs, 'nope')).toThrow('silver run nope (asked for) has no manifest in the lake');
    expect(() => silverBatchesOf(runs, 'b1')).toThrow('silver run b1 (asked for) is a bronze run');
  });
});

describe('the bronze batches the silver pointer names', () => {
  const pointer = (runId: string, madeFrom?: string[]) => ({ runId, publishedAt: at, tables: {}, ...(madeFrom ? { madeFrom } : {}) });

  it('follow from the runs, for a pointer that lists none: the version it names, as its chain of runs says', () => {
    expect(heldBatches(runs, pointer('s10'))).toEqual(silverBatchesOf(runs, 's10'));
    expect(heldBatches(new Map(runs.map((run) => [run.runId, run])), pointer('s4'))).toEqual(['b1', 'b2', 'b3']);
  });

  it('are the list of a pointer written before, and none before the first publication', () => {
    expect(heldBatches(runs, pointer('s4', ['b1', 'b2', 'b3', 'bx']))).toEqual(['b1', 'b2', 'b3', 'bx']);
    expect(heldBatches(runs, undefined)).toEqual([]);
  });
});

describe('the batch_id values of the rows a silver run wrote', () => {
  const landed = { landed: [{ path: 'ventes.csv', landedAt: 'bronze/transactions/batch_id=f1/ventes.csv', bytes: 10, lines: 2, blankLines: 0 }] };
  const manifests = new Map<string, RunManifest>(
    [
      // A job:bronze of files and events: both kinds of rows carry its id.
      { ...bronze('f1'), files: { transactions: landed }, kafka: { records: 5 } },
      // Streamed events: the rows carry the micro-batches' values, never the run's id.
      { ...bronze('st1'), kafka: { records: 9, batches: ['e1', 'e2'] } },
      silver('s1', 'succeeded', ['f1', 'st1']),
      silver('s2', 'succeeded', ['gone']),
    ].map((run) => [run.runId, run as RunManifest]),
  );

  it("gives each batch's run id where files or batch-landed events carry it, and the stream's micro-batches", () => {
    expect(rowBatchesOf(manifests, 's1')).toEqual(['f1', 'e1', 'e2']);
  });

  it('gives nothing for a run, or a batch it names, that the record does not hold', () => {
    expect(rowBatchesOf(manifests, 'missing')).toBeUndefined();
    expect(rowBatchesOf(manifests, 's2')).toBeUndefined();
    expect(rowBatchesOf(manifests, 'f1')).toBeUndefined();
  });
});
