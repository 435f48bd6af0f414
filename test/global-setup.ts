// Global setup of the integration tests: they run against the real embedded stack. If it is not
// up, it is started here and stopped again afterwards (only the components started here).
// With LAKE_EXTERNAL_STACK=1 nothing is started: the environment points at a running cluster.
import { loadConfig } from '../control/config.js';
import type { ComponentName } from '../control/stack/components.js';
import { stackDown, stackUp } from '../control/stack/stack.js';

const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.LAKE_EXTERNAL_STACK === '1') return undefined;
  const config = loadConfig();
  const statuses = await stackUp(config, log);
  const startedHere: ComponentName[] = statuses.filter((s) => s.action === 'started').map((s) => s.name);
  if (startedHere.length > 0) log(`started for the tests: ${startedHere.join(', ')}`);
  return async () => {
    if (startedHere.length > 0) await stackDown(config, log, startedHere);
  };
}
