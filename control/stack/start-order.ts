// Starting a set of services in dependency order, side by side where they do not wait for each
// other, with a clean-up when one fails: `stack up` then stops what it started, so that a failed
// attempt leaves no half-started stack behind.

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
