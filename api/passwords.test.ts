import { describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_HASHES, decoyHash, hashLoad, hashPassword, shareHashSlots, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('runs at most a bounded number of scrypt computations at once; the others wait their turn', async () => {
    await decoyHash; // made at import: nothing else is hashing now
    const stored = await hashPassword('correct horse battery');
    const loads: { running: number; waiting: number }[] = [];
    const logins = Array.from({ length: 8 }, (_, i) => verifyPassword(i % 2 ? 'correct horse battery' : 'wrong password!', stored));
    loads.push(hashLoad());
    const results = await Promise.all(logins.map((login) => login.finally(() => loads.push(hashLoad()))));
    expect(results).toEqual([false, true, false, true, false, true, false, true]);
    expect(loads[0]).toEqual({ running: MAX_CONCURRENT_HASHES, waiting: 8 - MAX_CONCURRENT_HASHES });
    for (const load of loads) expect(load.running).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    expect(hashLoad()).toEqual({ running: 0, waiting: 0 });
  });

  it('shares the bound among the processes of an API cluster: two workers hash one at a time each', async () => {
    shareHashSlots(2);
    try {
      const stored = await hashPassword('correct horse battery');
      const logins = Array.from({ length: 4 }, () => verifyPassword('wrong password!', stored));
      expect(hashLoad()).toEqual({ running: MAX_CONCURRENT_HASHES / 2, waiting: 4 - MAX_CONCURRENT_HASHES / 2 });
      await Promise.all(logins);
    } finally {
      shareHashSlots(1);
    }
    expect(hashLoad()).toEqual({ running: 0, waiting: 0 });
  });
});
