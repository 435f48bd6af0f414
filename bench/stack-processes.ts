// The embedded stack's processes and their resident memory, read from /proc (sampling does not
// load the stack): shared by the benchmarks that report memory beside their figures.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { LakeConfig } from '../control/config.js';
import { stackStatus } from '../control/stack/stack.js';

/** Resident set size of a process in MiB (0 when it is gone). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/** The stack's daemons and the Spark executors (one a Worker), by name → pid. */
export async function processes(config: LakeConfig): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const status of await stackStatus(config)) if (status.pid !== undefined) found.set(status.name, status.pid);
  // pgrep exits 1 when no executor runs (none has been started yet).
  const executors = spawnSync('pgrep', ['-f', 'CoarseGrainedExecutorBackend'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  executors.forEach((pid, index) => found.set(executors.length === 1 ? 'executor' : `executor-${index + 1}`, Number(pid)));
  return found;
}

/** Each process's resident size now: only /proc is read, so sampling does not load the stack. */
export async function memory(pids: Map<string, number>): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const [name, pid] of pids) sizes.set(name, await rssMiB(pid));
  return sizes;
}

/** CPU time a process has used so far, user and system, in seconds (0 when it is gone). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The fields after the command's closing parenthesis; utime and stime are the 14th and 15th of
  // the line, in clock ticks (100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** Each process's CPU time so far, in seconds. */
export async function cpuTimes(pids: Map<string, number>): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const [name, pid] of pids) times.set(name, await cpuSeconds(pid));
  return times;
}
