import { describe, expect, it } from 'vitest';
import { HashQueueFull, HashTurns, decoyHash, hashPassword, useHashTurns, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('runs at most as many scrypt computations at once as it has turns; the others wait theirs', async () => {
    await decoyHash; // made at import: nothing else is hashing now
    const stored = await hashPassword('correct horse battery');
    const turns = new HashTurns(2);
    useHashTurns(turns);
    try {
      const loads: { running: number; waiting: number }[] = [];
      const logins = Array.from({ length: 8 }, (_, i) => verifyPassword(i % 2 ? 'correct horse battery' : 'wrong password!', stored));
      loads.push(turns.load);
      const results = await Promise.all(logins.map((login) => login.finally(() => loads.push(turns.load))));
      expect(results).toEqual([false, true, false, true, false, true, false, true]);
      expect(loads[0]).toEqual({ running: 2, waiting: 6 });
      for (const load of loads) expect(load.running).toBeLessThanOrEqual(2);
      expect(turns.load).toEqual({ running: 0, waiting: 0 });
    } finally {
      useHashTurns(new HashTurns(1));
    }
  });

  it('gives turns in the order they were asked for', async () => {
    const turns = new HashTurns(1);
    const order: string[] = [];
    await turns.take();
    const waiting = ['b', 'c', 'd'].map((name) => turns.take().then(() => (order.push(name), turns.give())));
    turns.give();
    await Promise.all(waiting);
    expect(order).toEqual(['b', 'c', 'd']);
    expect(turns.load).toEqual({ running: 0, waiting: 0 });
  });

  it('gives a turn back when the computation fails', async () => {
    const turns = new HashTurns(1);
    useHashTurns(turns);
    try {
      await expect(verifyPassword('x', 'scrypt$3$8$1$c2FsdA==$a2V5')).rejects.toThrow(); // N must be a power of 2
      expect(turns.load).toEqual({ running: 0, waiting: 0 });
    } finally {
      useHashTurns(new HashTurns(1));
    }
  });

  it('refuses a caller at once when as many wait as may, and takes callers again once the line is shorter', async () => {
    const turns = new HashTurns(1, 2);
    await turns.take();
    const waiting = [turns.take(), turns.take()];
    await expect(turns.take()).rejects.toBeInstanceOf(HashQueueFull);
    expect(turns.load).toEqual({ running: 1, waiting: 2 });
    turns.give(); // the first in line runs: one place is free
    await waiting[0];
    const third = turns.take();
    expect(turns.load).toEqual({ running: 1, waiting: 2 });
    turns.give();
    turns.give();
    turns.give();
    await Promise.all([waiting[1], third]);
    expect(turns.load).toEqual({ running: 0, waiting: 0 });
  });
});
