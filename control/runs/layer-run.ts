// The life of one run of a layer, the same for bronze, silver and gold: take the layer's lock,
// do the work (with a Spark session opened if it needs one), record the run manifest, and only
// then publish what the run committed (silver and gold move their layer pointer). A run that
// fails records the error and undoes what it left behind — its own scratch files, never a
// published table version. The work fills in the manifest it is given.
//
// What "published" means: for bronze, a batch whose manifest says `succeeded` (the manifest is
// its commit); for silver and gold, the layer version the pointer `<layer>/_current.json` names.
// Once either has happened, no failure of the same run undoes it: a step that fails after it (a
// clean-up, or an answer lost after HDFS did the rename) leaves the run succeeded, and the undo
// runs only when the run is known not to have committed — when the lake cannot say (HDFS gone),
// nothing is undone, and the next run of the layer sorts out what an uncommitted run left.
import type { LakeConfig } from '../config.js';
import { LakeError, describeError } from '../errors.js';
import { WebHdfs, hdfsPath } from '../hdfs/webhdfs.js';
import { SparkError, SparkSession, SparkUnreachableError } from '@lake/spark-connect';
import { lakeHintOf } from '../spark-errors.js';
import { LayerLock } from './lock.js';
import { RunStore, type Layer, type Outcome, type RunOf } from './manifest.js';
import { LayerPointer } from './published.js';
import { newRunId } from './run-id.js';

export interface LayerRunContext<M extends RunOf<Layer> = RunOf<Layer>> {
  runId: string;
  hdfs: WebHdfs;
  /** Path of the lake root inside HDFS, e.g. `/lake`. */
  root: string;
  runs: RunStore;
  manifest: M;
  /** The Spark session of the run, connected on first use and closed when the run ends. */
  spark: () => Promise<SparkSession>;
}

export interface LayerWork<M extends RunOf<Layer>> {
  /** Does the run's work; returns its outcome. */
  work: (run: LayerRunContext<M>) => Promise<Exclude<Outcome, 'failed'>>;
  /**
   * Makes a succeeded run's commits visible to readers (moves the layer pointer), once its
   * manifest is saved: a manifest that cannot be saved leaves the published version as it was.
   * When it throws, the pointer decides: if it names the run, the run stands as published (the
   * error is kept in its manifest's `afterPublication`); if not, the run failed and is undone.
   */
  publish?: (run: LayerRunContext<M>) => Promise<void>;
  /** Removes what a failed run wrote (best effort); never what readers may be reading. */
  undo: (run: LayerRunContext<M>) => Promise<void>;
  /**
   * Cancels the run (Ctrl-C): every operation of its Spark session is interrupted, whether or not
   * the call that started it was given the signal.
   */
  signal?: AbortSignal;
}

export async function runLayer<L extends Layer>(config: LakeConfig, layer: L, { work, publish, undo, signal }: LayerWork<RunOf<L>>): Promise<RunOf<L>> {
  const hdfs = new WebHdfs(config.webHdfs);
  const root = hdfsPath(config.lakeRoot);
  const runs = new RunStore(hdfs, root);
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const manifest = { runId, layer, startedAt, endedAt: startedAt, outcome: 'failed' } as RunOf<L>;
  let session: Promise<SparkSession> | undefined;
  // Every Delta commit of the run carries its id (DESCRIBE HISTORY's userMetadata: `lake history`).
  const spark = () =>
    (session ??= SparkSession.connect(config.sparkRemote).then(async (opened) => {
      await opened.config.set('spark.databricks.delta.commitInfo.userMetadata', runId);
      signal?.addEventListener('abort', () => void opened.interruptAll().catch(() => undefined), { once: true });
      return opened;
    }));
  const run = { runId, hdfs, root, runs, manifest, spark };
  const lock = await LayerLock.acquire(hdfs, root, layer, runId);
  /** Records the failure and undoes what the run wrote: only for a run known not to have committed. */
  const fail = async (error: unknown, recorded: 'not yet' | 'as succeeded'): Promise<never> => {
    manifest.outcome = 'failed';
    manifest.error = describeError(error);
    // A failed run published nothing: its manifest names no layer version (`lake sql --as-of`).
    delete (manifest as { published?: unknown }).published;
    manifest.endedAt = new Date().toISOString();
    // Best effort: the history shows the failure; what the run wrote goes now or at the next run.
    await runs.save(manifest, { replace: recorded === 'as succeeded' }).catch(() => undefined);
    await undo(run).catch(() => undefined);
    throw error;
  };
  try {
    try {
      manifest.outcome = await failClearlyWithoutSpark(layer, runId, () => work(run));
      manifest.endedAt = new Date().toISOString();
    } catch (error) {
      return await fail(error, 'not yet');
    }

    try {
      await runs.save(manifest);
    } catch (error) {
      // The answer may be lost after HDFS moved the manifest into place: then the run committed.
      const saved = await runs.read(runId).then(
        (found) => (found?.outcome === manifest.outcome ? 'yes' : 'no'),
        () => 'unknown' as const,
      );
      if (saved === 'unknown') throw error;
      if (saved === 'no') return await fail(error, 'not yet');
    }

    if (manifest.outcome !== 'succeeded' || !publish) return manifest;
    try {
      await publish(run);
    } catch (error) {
      const published = await publishedBy(run, layer).catch(() => 'unknown' as const);
      if (published === 'unknown') throw error;
      if (!published) return await fail(error, 'as succeeded');
      // Published: what failed came after (or was only the answer). The version stands.
      Object.assign(manifest, { afterPublication: describeError(error) });
      await runs.save(manifest, { replace: true }).catch(() => undefined);
    }
    return manifest;
  } finally {
    await session?.then((opened) => opened.close()).catch(() => undefined);
    await lock.release().catch(() => undefined);
    // Housekeeping of the run record, once its loose manifests are many (manifest.ts): what fails
    // here leaves the record as it was, and a later run seals it.
    await runs.sealIfDue(newRunId()).catch(() => undefined);
  }
}

/** Whether the layer's pointer names this run: its version is what readers read. */
async function publishedBy(run: LayerRunContext, layer: Layer): Promise<boolean> {
  if (layer === 'bronze') return false;
  return (await new LayerPointer(run.hdfs, run.root, layer).current())?.runId === run.runId;
}

/**
 * A run that loses Spark Connect midway (the server crashed or was restarted) fails with one error
 * that says which run failed, that nothing of it was published, and how to get going again. A
 * Spark error the lake has advice of its own for (a write HDFS refused, a view not found) leaves
 * the run as a LakeError with that advice.
 */
async function failClearlyWithoutSpark<T>(layer: Layer, runId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const lakeHint = error instanceof SparkError ? lakeHintOf(error) : undefined;
    if (lakeHint) throw new LakeError(error instanceof Error ? error.message : String(error), lakeHint, { cause: error });
    if (!(error instanceof SparkUnreachableError) || error.during) throw error;
    throw new SparkUnreachableError(error.remote, error.detail, {
      cause: error,
      during: `${layer} run ${runId} failed`,
      hint:
        `nothing of this run was published: the lake is as it was before it. Once Spark Connect answers again ` +
        `(\`npm run lake -- stack up\` starts what is down), run \`npm run job:${layer}\` again`,
    });
  }
}
