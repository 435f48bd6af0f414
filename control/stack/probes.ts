// Health probes: is a TCP port taken, does an HTTP endpoint answer, and a poll-until-ready loop.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when something accepts connections on host:port. */
export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function fetchJson<T>(url: string, timeoutMs = 3000): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls `probe` until it returns true. Stops early when `stillRunning` says the process died,
 * so a crashed daemon is reported at once rather than after the whole timeout, and when `signal`
 * is aborted (Ctrl-C).
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; stillRunning?: () => boolean; intervalMs?: number; signal?: AbortSignal },
): Promise<'ready' | 'timeout' | 'died' | 'interrupted'> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) return 'interrupted';
    if (await probe()) return 'ready';
    if (options.stillRunning && !options.stillRunning()) return 'died';
    if (Date.now() > deadline) return 'timeout';
    await sleep(options.intervalMs ?? 500, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
