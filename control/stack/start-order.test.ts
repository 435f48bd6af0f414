import { describe, expect, it } from 'vitest';
import { startInOrder, type StartStep } from './start-order.js';

type Name = 'hdfs' | 'kafka' | 'master' | 'worker' | 'connect';
const chain: [Name, Name[]][] = [
  ['hdfs', []],
  ['kafka', []],
  ['master', []],
  ['worker', ['master']],
  ['connect', ['worker', 'hdfs']],
];

/** Steps that log when they start and finish, failing where told; a tick apart, so order shows. */
function steps(failing: Name | undefined, events: string[]): StartStep<Name, string>[] {
  return chain.map(([name, after]) => ({
    name,
    after,
    start: async () => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (name === failing) throw new Error(`${name} did not come up`);
      events.push(`up ${name}`);
      return `${name} ok`;
    },
  }));
}

describe('starting the stack in order', () => {
  it('starts each component after the ones it waits for, the others side by side', async () => {
    const events: string[] = [];
    let cleaned = false;
    const outcomes = await startInOrder(steps(undefined, events), async () => {
      cleaned = true;
    });
    expect([...outcomes.keys()].sort()).toEqual(['connect', 'hdfs', 'kafka', 'master', 'worker']);
    expect(cleaned).toBe(false);
    // Independent ones start before any is up; a dependant only once its prerequisites are.
    expect(events.slice(0, 3).sort()).toEqual(['start hdfs', 'start kafka', 'start master']);
    expect(events.indexOf('start worker')).toBeGreaterThan(events.indexOf('up master'));
    expect(events.indexOf('start connect')).toBeGreaterThan(Math.max(events.indexOf('up worker'), events.indexOf('up hdfs')));
  });

  it('when one fails: its dependants never start, the others finish, then the clean-up runs, then the error', async () => {
    const events: string[] = [];
    const error = await startInOrder(steps('worker', events), async () => {
      events.push('clean up');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('worker did not come up');
    expect(events).not.toContain('start connect');
    expect(events).toContain('up kafka');
    expect(events.at(-1)).toBe('clean up');
  });
});
