// Background daemons with pid files and log files. Each JVM carries a `-Dlake.daemon=<name>@<home>`
// marker on its command line, so a pid file is only trusted when that very process still runs:
// after a crash or a reboot a stale pid (maybe reused by another process) reads as "stopped".
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  pidFile: string;
  logFile: string;
}

export function daemonMarker(name: string, home: string): string {
  return `-Dlake.daemon=${name}@${home}`;
}

function commandLineOf(pid: number): string | undefined {
  try {
    if (existsSync('/proc')) return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}

/** The pid of the named daemon when it runs; undefined when it does not (a stale pid file is removed). */
export async function runningPid(pidFile: string, marker: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  if (Number.isInteger(pid) && pid > 0 && commandLineOf(pid)?.includes(marker)) return pid;
  await rm(pidFile, { force: true });
  return undefined;
}

/** Starts a daemon in its own process group, detached from the CLI, output appended to its log. */
export async function startDaemon(spec: DaemonSpec): Promise<number> {
  await mkdir(path.dirname(spec.pidFile), { recursive: true });
  await mkdir(path.dirname(spec.logFile), { recursive: true });
  await mkdir(spec.cwd, { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    await writeFile(spec.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a daemon and what it spawned (a Spark Worker's executors share its process group):
 * SIGTERM first so it shuts down cleanly and keeps its data, SIGKILL after the grace period.
 */
export async function stopDaemon(pid: number, pidFile: string, graceMs = 30_000): Promise<'stopped' | 'killed'> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const outcome = isAlive(pid) ? 'killed' : 'stopped';
  if (outcome === 'killed') signalGroup('SIGKILL');
  await rm(pidFile, { force: true });
  return outcome;
}
