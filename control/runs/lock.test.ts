import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { alive } from './lock.js';

const failing = (code: string) => () => {
  throw Object.assign(new Error(code), { code });
};

describe('whether a lock holder lives', () => {
  it('is this very process', () => {
    expect(alive(process.pid)).toBe(true);
  });

  it("is alive when signalling it is not permitted: it is another user's process", () => {
    expect(alive(1234, failing('EPERM'))).toBe(true);
  });

  it('is dead when no such process exists', () => {
    expect(alive(1234, failing('ESRCH'))).toBe(false);
  });

  it('is dead when it is a zombie: exited, its parent not having reaped it yet', async () => {
    // The shell starts `sleep 0` in the background, prints its pid and becomes `sleep 5`, which
    // never reaps it: once `sleep 0` has exited it is a zombie that still answers signal 0.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(alive(zombie)).toBe(false);
      expect(alive(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
