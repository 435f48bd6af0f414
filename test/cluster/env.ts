// The node-loss tests run on a three-node stack of their own: a runtime folder apart from the
// developer's (`<runtime folder>/test-cluster`, its shape recorded there), the resolved jars shared.
import path from 'node:path';
import { loadConfig } from '../../control/config.js';

export const clusterNodes = 3;

/** The environment of the cluster tests (and of their global set-up). */
export function clusterTestEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const own = loadConfig(env);
  return { LAKE_HOME: path.join(own.homeDir, 'test-cluster'), LAKE_CACHE: own.cacheDir };
}
