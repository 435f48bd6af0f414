// Faults of the embedded stack for the fault tests: a daemon killed hard (SIGKILL, the way a crash
// or the OOM killer ends it), and the stack brought back with stackUp, which starts only what is
// missing. Each test keeps its outage short and restarts in a `finally`: the stack is shared.
import { readFileSync, readdirSync } from 'node:fs';
import { loadConfig, type LakeConfig } from '../../../control/config.js';
import type { ComponentName } from '../../../control/stack/components.js';
import { stackLayout } from '../../../control/stack/layout.js';
import { daemonMarker, isAlive, runningPid } from '../../../control/stack/processes.js';
import { stackUp } from '../../../control/stack/stack.js';

/** Fault tests kill daemons of the embedded stack: not on an external one. */
export const embeddedStack = process.env.LAKE_EXTERNAL_STACK !== '1';

const log = (line: string) => process.stderr.write(`[faults] ${line}\n`);

/**
 * SIGKILLs the daemon and waits until it is gone: only its JVM, or with `node` everything in its
 * process group too (a Worker's executors), the way the loss of its machine ends them.
 */
export async function killDaemon(name: ComponentName, options: { node?: boolean } = {}): Promise<number> {
  const config = loadConfig();
  const pid = await runningPid(stackLayout(config).pidFile(name), daemonMarker(name, stackLayout(config).root));
  if (pid === undefined) throw new Error(`${name} is not running: nothing to kill`);
  process.kill(options.node ? -pid : pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid), 10_000, `${name} (pid ${pid}) to exit`);
  log(`killed ${name} (pid ${pid})`);
  return pid;
}

/**
 * SIGKILLs the Spark executors of the embedded stack (JVMs the Worker started, with the stack's
 * folder in their command line) at once, synchronously; the Worker then starts new ones. Returns
 * their pids.
 */
export function killExecutors(config: LakeConfig): number[] {
  const executors = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return command.includes('CoarseGrainedExecutorBackend') && command.includes(config.homeDir);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  for (const pid of executors) process.kill(pid, 'SIGKILL');
  log(`killed the Spark executors ${executors.join(', ')}`);
  return executors;
}

/** Starts what is missing and waits until every component is healthy; returns how long it took. */
export async function restartStack(): Promise<number> {
  const started = Date.now();
  await stackUp(loadConfig(), log);
  const ms = Date.now() - started;
  log(`stack healthy again after ${ms} ms`);
  return ms;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
