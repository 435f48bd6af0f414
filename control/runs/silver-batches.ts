// Which bronze batches a silver version holds, from the run manifests. A silver run's manifest
// names only the batches it classified itself (`madeFrom`) and the version it added them to
// (`builtOn`: the run the layer pointer named when it started): the whole list lives only in the
// pointer `silver/_current.json`, for the current version. For any other version it is derived
// here, by following `builtOn` back to a full refresh (whose `madeFrom` is every batch) or to the
// first run: the versions the pointer named, one after the other, up to that run.
//
// Following `builtOn`, rather than adding up the runs that say `succeeded`, is what the pointer did:
// - a run whose manifest says `succeeded` but that the pointer never named (its publication
//   failed and the manifest could not be replaced, or the lake could not say whether the rename
//   happened) is no later run's base: its batches count only for itself — the next run classified
//   them again, on top of the version the pointer did name;
// - a run whose manifest says `failed` is no run's base either, unless the pointer did name it
//   after all: then the runs after it were built on it, and its batches are held;
// - a full refresh, even one the pointer never named, ends the walk: it rebuilt from all of bronze.
// Lakes written before manifests had `builtOn` recorded, in each silver run's `published.madeFrom`,
// everything the version holds: the walk stops at the first such run.
import { LakeError } from '../errors.js';
import { adEventBatches, type RunManifest, type SilverRun } from './manifest.js';
import type { PublishedLayer } from './published.js';

/**
 * The bronze batches (run ids) that silver run `runId`'s version holds, in the order they were
 * cleaned. `runs` are the run manifests (`RunStore.list()`, or a map of them by id).
 */
export function silverBatchesOf(runs: readonly RunManifest[] | ReadonlyMap<string, RunManifest>, runId: string): string[] {
  const byId = runs instanceof Map ? (runs as ReadonlyMap<string, RunManifest>) : new Map((runs as readonly RunManifest[]).map((run) => [run.runId, run]));
  // Newest first: each run's own batches, down to a run whose version is known whole.
  const chain: string[][] = [];
  let wanted: string | undefined = runId;
  let from = 'asked for';
  while (wanted !== undefined) {
    const run = byId.get(wanted);
    if (run?.layer !== 'silver') {
      throw new LakeError(
        `silver run ${wanted} (${from}) ${run ? `is a ${run.layer} run` : 'has no manifest in the lake'}: the bronze batches silver held then cannot be told`,
        'the run manifests were changed by hand or removed (`lake runs` lists those there are)',
      );
    }
    const legacy = (run.published as { madeFrom?: string[] } | undefined)?.madeFrom;
    if (legacy) {
      chain.push(legacy);
      break;
    }
    chain.push(run.madeFrom ?? []);
    if (run.fullRefresh) break;
    from = `the base of ${run.runId}`;
    wanted = (run as SilverRun).builtOn;
    if (chain.length > byId.size) throw new LakeError(`the silver runs' bases go round in a circle at ${runId}`, 'the run manifests were changed by hand');
  }
  return [...new Set(chain.reverse().flat())];
}

/**
 * The bronze batches (run ids) of the silver version the pointer names: derived from the runs, or
 * as a pointer written before that lists them; none before the first publication.
 */
export function heldBatches(runs: readonly RunManifest[] | ReadonlyMap<string, RunManifest>, published: PublishedLayer | undefined): string[] {
  if (!published) return [];
  return published.madeFrom ?? silverBatchesOf(runs, published.runId);
}

/**
 * The `batch_id` values of the rows silver run `runId` wrote: each bronze batch it classified is
 * its run id in the file sources' rows, and in the ad events' rows too unless the stream landed
 * them, one value a micro-batch (adEventBatches). Undefined when the run, or a batch it names, is
 * not in `runs`.
 */
export function rowBatchesOf(runs: ReadonlyMap<string, RunManifest>, runId: string): string[] | undefined {
  const cleaned = runs.get(runId);
  if (cleaned?.layer !== 'silver' || !cleaned.madeFrom) return undefined;
  const values = new Set<string>();
  for (const batch of cleaned.madeFrom) {
    const bronze = runs.get(batch);
    if (bronze?.layer !== 'bronze') return undefined;
    if (Object.values(bronze.files ?? {}).some((source) => source.landed.length > 0)) values.add(batch);
    for (const value of adEventBatches(bronze)) values.add(value);
  }
  return [...values];
}
