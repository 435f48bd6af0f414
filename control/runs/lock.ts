// One run of a layer at a time: a lock file in the lake, created only if absent (HDFS creates
// atomically). A lock left by a crashed run on this machine is taken over; one held by a live
// process, or by another machine, stops the run with a message saying whose it is.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LakeError } from '../errors.js';
import type { WebHdfs } from '../hdfs/webhdfs.js';

export interface LockOwner {
  runId: string;
  host: string;
  pid: number;
  since: string;
}

/** Whose a lock is, as messages name it: its run (or stream), process, machine, and since when. */
export function describeOwner(owner: LockOwner): string {
  return `${owner.runId}, pid ${owner.pid} on ${owner.host}, since ${owner.since}`;
}

/**
 * Whether a process of this machine lives: EPERM means it does (it is another user's). A zombie
 * (killed, not yet reaped by its parent: a run killed with the process group of a wrapper that
 * has not waited for it yet) still answers signals, but is dead.
 */
export function alive(pid: number, signal: (pid: number, signal: 0) => void = (p, s) => process.kill(p, s), state: (pid: number) => string | undefined = processState): boolean {
  try {
    signal(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return state(pid) !== 'Z';
}

/** A process's state letter from /proc (Linux; undefined elsewhere or when it is gone). */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // `pid (command) S ...`: the command may hold spaces and parentheses, the state follows the last `)`.
    return stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
  } catch {
    return undefined;
  }
}

/** The lock is another live run's: waiting and trying again is the remedy. */
export class LockHeldError extends LakeError {}

export class LayerLock {
  private constructor(
    private readonly hdfs: WebHdfs,
    private readonly path: string,
  ) {}

  static async acquire(hdfs: WebHdfs, root: string, layer: string, runId: string): Promise<LayerLock> {
    const path = `${root}/_locks/${layer}`;
    const owner: LockOwner = { runId, host: hostname(), pid: process.pid, since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await hdfs.write(path, JSON.stringify(owner));
        return new LayerLock(hdfs, path);
      } catch (error) {
        const current = await LayerLock.owner(hdfs, path);
        if (current === undefined) throw error;
        if (!current.live) {
          await hdfs.delete(path);
          continue;
        }
        throw new LockHeldError(
          `another ${layer} run (${describeOwner(current)}) is in progress`,
          `wait for it to finish; if it is gone, remove the lock: it is ${path} in HDFS`,
        );
      }
    }
    throw new LakeError(`could not take the ${layer} lock at ${path}`);
  }

  /** Who holds the lock of `layer`, when a live process (or another machine) does. */
  static async holder(hdfs: WebHdfs, root: string, layer: string): Promise<LockOwner | undefined> {
    const owner = await LayerLock.owner(hdfs, `${root}/_locks/${layer}`);
    return owner?.live ? owner : undefined;
  }

  /** The lock file's owner, and whether it lives: a dead process of this machine leaves a stale lock; another machine's is taken as live. */
  private static async owner(hdfs: WebHdfs, path: string): Promise<(LockOwner & { live: boolean }) | undefined> {
    const held = (await hdfs.read(path))?.toString('utf8');
    if (held === undefined) return undefined;
    const owner = JSON.parse(held) as LockOwner;
    return { ...owner, live: owner.host !== hostname() || alive(owner.pid) };
  }

  async release(): Promise<void> {
    await this.hdfs.delete(this.path);
  }
}
