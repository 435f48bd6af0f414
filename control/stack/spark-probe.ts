// Readiness of the Spark Connect server: it answers an AnalyzePlan for the Spark version. A server
// that refuses our token is up but unusable, and waiting would not change that: that is thrown.
import { SparkAuthError, SparkSession } from '@lake/spark-connect';

export async function sparkConnectAnswers(remote: string): Promise<boolean> {
  let session: SparkSession | undefined;
  try {
    session = await SparkSession.connect(remote, { connectTimeoutMs: 2000, retryPolicy: { maxRetries: 0 } });
    return (await session.version()).length > 0;
  } catch (error) {
    if (error instanceof SparkAuthError) throw error;
    return false;
  } finally {
    await session?.close().catch(() => undefined);
  }
}
