import { describe, expect, it } from 'vitest';
import { waitUntil } from './probes.js';

describe('waiting until a daemon is healthy', () => {
  it('ends as interrupted when its signal aborts, without waiting out the poll interval or the timeout', async () => {
    const controller = new AbortController();
    let probes = 0;
    const waiting = waitUntil(
      async () => {
        probes += 1;
        return false;
      },
      { timeoutMs: 60_000, intervalMs: 30_000, signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(await waiting).toBe('interrupted');
    expect(probes).toBe(1);
  });

  it('still tells ready, died and timeout apart', async () => {
    expect(await waitUntil(async () => true, { timeoutMs: 1000 })).toBe('ready');
    expect(await waitUntil(async () => false, { timeoutMs: 1000, stillRunning: () => false })).toBe('died');
    expect(await waitUntil(async () => false, { timeoutMs: 0, intervalMs: 1 })).toBe('timeout');
  });
});
