// Readiness of the Spark Connect server: it answers an AnalyzePlan for the Spark version.
import { SparkSession } from '../spark/index.js';

export async function sparkConnectAnswers(remote: string): Promise<boolean> {
  let session: SparkSession | undefined;
  try {
    session = await SparkSession.connect(remote, { connectTimeoutMs: 2000, retryPolicy: { maxRetries: 0 } });
    return (await session.version()).length > 0;
  } catch {
    return false;
  } finally {
    await session?.close().catch(() => undefined);
  }
}
