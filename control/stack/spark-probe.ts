// Readiness of the Spark Connect server: it answers an AnalyzePlan for the Spark version.
import { portOpen } from './probes.js';

export async function sparkConnectAnswers(remote: string): Promise<boolean> {
  const url = new URL(remote.replace(/^sc:/, 'http:'));
  return portOpen(Number(url.port || 15002), url.hostname);
}
