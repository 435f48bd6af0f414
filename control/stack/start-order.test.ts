import { describe, expect, it } from 'vitest';
import { StackUpInterrupted, startInOrder, startStack, type StackDaemons, type StartStep } from './start-order.js';

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

describe('stack up with stand-in daemons', () => {
  /** Daemons in memory: `before` run already; `unhealthy` are launched but never become healthy. */
  function daemons(options: { before: Name[]; unhealthy?: Name[]; failedLaunch?: Name[]; stopFails?: boolean; interruptedAt?: { name: Name; controller: AbortController } }) {
    const alive = new Set<Name>(options.before);
    const events: string[] = [];
    const fake: StackDaemons<Name> = {
      running: async (name) => (alive.has(name) ? 1000 + chain.findIndex(([n]) => n === name) : undefined),
      awaitHealthy: async (name) => {
        events.push(`healthy ${name} (ran before)`);
      },
      start: async (name, launched) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (options.failedLaunch?.includes(name)) throw new Error(`${name} could not be launched`);
        alive.add(name);
        launched();
        events.push(`launched ${name}`);
        if (options.unhealthy?.includes(name)) throw new Error(`${name} exited during start-up`);
        // Ctrl-C while this one starts: its wait for health ends as stack.ts's does.
        const interrupt = options.interruptedAt;
        if (interrupt?.name === name) {
          interrupt.controller.abort();
          throw new StackUpInterrupted();
        }
      },
      stop: async (names) => {
        events.push(`stop ${[...names].sort().join(' ')}`);
        if (options.stopFails) throw new Error('kill refused');
        for (const name of names) alive.delete(name);
      },
    };
    return { fake, alive, events };
  }
  const components = chain.map(([name, after]) => ({ name, after }));

  it('stops what this attempt launched, the unhealthy one included, before it throws; what ran before keeps running', async () => {
    const { fake, alive, events } = daemons({ before: ['hdfs', 'master'], unhealthy: ['worker'] });
    const logged: string[] = [];
    const error = await startStack(components, fake, (line) => logged.push(line)).catch((e: unknown) => e);
    expect((error as Error).message).toBe('worker exited during start-up');
    // Kafka (launched, healthy) and the worker (launched, never healthy) are stopped; connect never started.
    expect(events.filter((e) => e.startsWith('stop'))).toEqual(['stop kafka worker']);
    expect(events).not.toContain('launched connect');
    expect([...alive].sort()).toEqual(['hdfs', 'master']);
    expect(logged.at(-1)).toMatch(/stopping what this attempt started \((kafka, worker|worker, kafka)\)/);
  });

  it('stops nothing when it launched nothing', async () => {
    const { fake, events } = daemons({ before: [], failedLaunch: ['hdfs', 'kafka', 'master'] });
    await expect(startStack(components, fake, () => undefined)).rejects.toThrow('could not be launched');
    expect(events.filter((e) => e.startsWith('stop'))).toEqual([]);
  });

  it('throws the start-up error, not the clean-up one, when stopping fails too', async () => {
    const { fake } = daemons({ before: [], unhealthy: ['connect'], stopFails: true });
    const logged: string[] = [];
    await expect(startStack(components, fake, (line) => logged.push(line))).rejects.toThrow('connect exited during start-up');
    expect(logged.at(-1)).toMatch(/could not stop all of .*: kill refused/);
  });

  it('leaves everything running when all come up, saying what it started', async () => {
    const { fake, alive } = daemons({ before: ['kafka'] });
    const actions = await startStack(components, fake, () => undefined);
    expect(Object.fromEntries(actions)).toEqual({ hdfs: 'started', kafka: 'already running', master: 'started', worker: 'started', connect: 'started' });
    expect(alive.size).toBe(5);
  });

  it('Ctrl-C: launches nothing more, and stops what it launched before it throws; what ran before keeps running', async () => {
    const controller = new AbortController();
    const { fake, alive, events } = daemons({ before: ['kafka'], interruptedAt: { name: 'worker', controller } });
    const logged: string[] = [];
    const error = await startStack(components, fake, (line) => logged.push(line), controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackUpInterrupted);
    expect(events).not.toContain('launched connect');
    expect(events.filter((e) => e.startsWith('stop'))).toEqual(['stop hdfs master worker']);
    expect([...alive]).toEqual(['kafka']);
  });

  it('Ctrl-C before anything is launched: nothing to stop', async () => {
    const controller = new AbortController();
    controller.abort();
    const { fake, events } = daemons({ before: [] });
    await expect(startStack(components, fake, () => undefined, controller.signal)).rejects.toBeInstanceOf(StackUpInterrupted);
    expect(events).toEqual([]);
  });
});
