// A layer run that loses Spark Connect midway (the server crashed or was restarted) fails with one
// error that says which run failed, that nothing of it was published, and how to get going again.
import type { Layer } from '../control/runs/manifest.js';
import { SparkUnreachableError } from '../control/spark/index.js';

export async function failClearlyWithoutSpark<T>(layer: Layer, runId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
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
