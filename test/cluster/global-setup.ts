// Global set-up of the node-loss tests: a three-node stack (`stack up --nodes 3`) in a runtime
// folder of their own, started here and stopped afterwards. Node 1 uses the well-known ports, so a
// single-node stack running in the developer's runtime folder is stopped for the while and started
// again afterwards.
import { loadConfig } from '../../control/config.js';
import { chooseShape, stackDown, stackStatus, stackUp } from '../../control/stack/stack.js';
import { clusterNodes, clusterTestEnv } from './env.js';

const log = (line: string) => process.stderr.write(`[cluster] ${line}\n`);

export default async function setup(): Promise<() => Promise<void>> {
  const own = loadConfig();
  const displaced = (await stackStatus(own)).filter((status) => status.pid !== undefined).map((status) => status.name);
  if (displaced.length > 0) {
    log(`stopping the stack of ${own.homeDir} for the cluster tests (${displaced.join(', ')}); it is started again afterwards`);
    await stackDown(own, log, displaced);
  }
  const cluster = await chooseShape(loadConfig({ ...process.env, ...clusterTestEnv() }), clusterNodes);
  const started = Date.now();
  await stackUp(cluster, log);
  log(`a ${clusterNodes}-node stack is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    await stackDown(cluster, log);
    if (displaced.length > 0) await stackUp(own, log);
  };
}
