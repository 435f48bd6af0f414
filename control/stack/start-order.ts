// Starting a set of services in dependency order, side by side where they do not wait for each
// other, with a clean-up when one fails: `stack up` then stops what it started, so that a failed
// attempt leaves no half-started stack behind, and so does one interrupted (Ctrl-C).
import { LakeError } from '../errors.js';

export interface StartStep<Name extends string, Outcome> {
  name: Name;
  /** The names this one waits for (those not in the set are ignored). */
  after: readonly Name[];
  /** Brings it up; throws when it cannot. Runs once its prerequisites have succeeded. */
  start(): Promise<Outcome>;
}

/**
 * Runs every step once its prerequisites succeeded; a step whose prerequisite failed does not
 * run. When any step fails, waits for all the others to settle, runs `cleanUp`, and throws the
 * first failure. Returns each step's outcome.
 */
export async function startInOrder<Name extends string, Outcome>(
  steps: readonly StartStep<Name, Outcome>[],
  cleanUp: () => Promise<void>,
): Promise<Map<Name, Outcome>> {
  const outcomes = new Map<Name, Outcome>();
  const running = new Map<Name, Promise<void>>();
  const bringUp = (step: StartStep<Name, Outcome>): Promise<void> => {
    let promise = running.get(step.name);
    if (!promise) {
      promise = (async () => {
        await Promise.all(steps.filter((other) => step.after.includes(other.name)).map(bringUp));
        outcomes.set(step.name, await step.start());
      })();
      running.set(step.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(steps.map(bringUp));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await cleanUp();
    throw failure.reason;
  }
  return outcomes;
}

/** How `stack up` reaches the daemons: the real ones in stack.ts, stand-ins in the tests. */
export interface StackDaemons<Name extends string> {
  /** The pid of the component's daemon when it runs already, else undefined. */
  running(name: Name): Promise<number | undefined>;
  /** Waits until a daemon that ran before this attempt is healthy; throws when it will not be. */
  awaitHealthy(name: Name, pid: number): Promise<void>;
  /** Launches the daemon, calls `launched` as soon as its process exists, then waits until it is healthy. */
  start(name: Name, launched: () => void): Promise<void>;
  /** Stops these daemons (the ones this attempt launched). */
  stop(names: readonly Name[]): Promise<void>;
}

export type StartAction = 'started' | 'already running';

/** `stack up` stopped by its signal (Ctrl-C): what it had launched is stopped again. */
export class StackUpInterrupted extends LakeError {
  constructor() {
    super('stack up interrupted', 'what this attempt had started is stopped again; the data is kept. Run `npm run lake -- stack up` to start the stack');
  }
}

/**
 * Brings up every component not running yet, in dependency order. When one cannot come up, or
 * `signal` aborts (the daemons' waits end with StackUpInterrupted then, and nothing more is
 * launched), the daemons this attempt launched — healthy or not — are stopped before the error is
 * thrown; the ones that ran before are left alone. A failure to stop them is logged, and the
 * start-up error is the one thrown.
 */
export async function startStack<Name extends string>(
  components: ReadonlyArray<{ name: Name; after: readonly Name[] }>,
  daemons: StackDaemons<Name>,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<Map<Name, StartAction>> {
  const launched: Name[] = [];
  return startInOrder(
    components.map((component) => ({
      name: component.name,
      after: component.after,
      start: async (): Promise<StartAction> => {
        if (signal?.aborted) throw new StackUpInterrupted();
        const pid = await daemons.running(component.name);
        if (pid !== undefined) {
          // Running already: leave it alone, but its dependants still need it healthy.
          await daemons.awaitHealthy(component.name, pid);
          return 'already running';
        }
        await daemons.start(component.name, () => launched.push(component.name));
        return 'started';
      },
    })),
    async () => {
      if (launched.length === 0) return;
      log(`stopping what this attempt started (${launched.join(', ')}), so that no half-started stack stays behind`);
      await daemons.stop(launched).catch((error: unknown) => log(`could not stop all of ${launched.join(', ')}: ${(error as Error).message}`));
    },
  );
}
