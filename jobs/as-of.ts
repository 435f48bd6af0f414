// Which layer versions "the lake as run X published it" means, for `lake sql --as-of <run id>`.
// Silver and gold runs each published one version of their layer (their manifest's `published`);
// the other layer is the one that goes with it: a gold run was computed from one silver version
// (its `madeFrom`), and a silver version is seen with the newest gold computed from it, if any.
// Everything comes from the run manifests: no Delta table is read to decide it, and the bronze
// batches a silver version holds are derived from the silver runs (control/runs/silver-batches.ts).
import { LakeError } from '../control/errors.js';
import type { GoldRun, RunManifest, SilverRun } from '../control/runs/manifest.js';
import type { PublishedLayer, RecordedLayer } from '../control/runs/published.js';
import { silverBatchesOf } from '../control/runs/silver-batches.js';

export interface LakeAsOf {
  silver: PublishedLayer;
  /** Absent when no gold was computed from that silver version. */
  gold?: PublishedLayer;
  warnings: string[];
}

const published = (run: RunManifest | undefined): run is (SilverRun | GoldRun) & { published: RecordedLayer } =>
  run !== undefined && run.outcome === 'succeeded' && run.layer !== 'bronze' && run.published !== undefined;

/** A silver run's version with the batches it holds. */
const silverVersion = (runs: readonly RunManifest[], run: SilverRun & { published: RecordedLayer }): PublishedLayer => ({
  ...run.published,
  madeFrom: silverBatchesOf(runs, run.runId),
});

/** A gold run's version: made from the silver run its manifest names. */
const goldVersion = (run: GoldRun & { published: RecordedLayer }): PublishedLayer => ({ ...run.published, madeFrom: run.published.madeFrom ?? run.madeFrom ?? [] });

/** The layer versions of the lake as run `runId` published it; `runs` are every run, oldest first. */
export function lakeAsOf(runs: readonly RunManifest[], runId: string): LakeAsOf {
  const run = runs.find((candidate) => candidate.runId === runId);
  if (!published(run)) throw notPublishing(runs, runId, run);
  if (run.layer === 'silver') {
    const silver = silverVersion(runs, run);
    const gold = runs.filter(published).findLast((candidate): candidate is GoldRun & { published: RecordedLayer } => candidate.layer === 'gold' && candidate.madeFrom?.[0] === runId);
    if (!gold) return { silver, warnings: [`no gold was computed from silver run ${runId}: there are no gold views`] };
    return { silver, gold: goldVersion(gold), warnings: [] };
  }
  const silverRunId = run.madeFrom?.[0];
  const silver = runs.find((candidate) => candidate.runId === silverRunId);
  if (!published(silver) || silver.layer !== 'silver') {
    throw new LakeError(
      `gold run ${runId} was computed from silver run ${silverRunId ?? '(none recorded)'}, which has no published silver version in the run manifests`,
      'the run manifests were changed by hand or removed: read the lake as of a silver run instead (`lake runs` lists them)',
    );
  }
  return { silver: silverVersion(runs, silver), gold: goldVersion(run), warnings: [] };
}

/** Why a run id cannot be read as of, and the ids that can. */
function notPublishing(runs: readonly RunManifest[], runId: string, run: RunManifest | undefined): LakeError {
  const why = !run
    ? `there is no run ${runId} in the lake`
    : run.layer === 'bronze'
      ? `run ${runId} is a bronze run: it landed inputs but published no silver or gold version`
      : run.outcome !== 'succeeded'
        ? `${run.layer} run ${runId} ${run.outcome === 'failed' ? 'failed' : 'found nothing new'}: it published no version`
        : `${run.layer} run ${runId} has no published version in its manifest (a run from before Delta Lake)`;
  const candidates = runs.filter(published).slice(-3).reverse();
  const latest = candidates.length > 0 ? ` (the latest: ${candidates.map((candidate) => `${candidate.runId} ${candidate.layer}`).join(', ')})` : '';
  return new LakeError(why, `--as-of takes the id of a succeeded silver or gold run: \`lake runs\` lists them${latest}`);
}
