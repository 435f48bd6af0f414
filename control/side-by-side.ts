// Independent pieces of a run (the sources of silver, the metrics of gold) go to Spark side by
// side: while one waits on the driver (planning, the Delta log, a commit), another's tasks run.

/**
 * Starts `work` for every item at once (or `atOnce` at a time) and waits until all have ended, so nothing is still running
 * when the caller goes on (to clean up after a failure, or to report). Resolves to the results in
 * the order of `items`; rejects with the first failure in that order.
 */
export async function sideBySide<T, R>(items: readonly T[], work: (item: T) => Promise<R>, options: { atOnce?: number } = {}): Promise<R[]> {
  const atOnce = options.atOnce ?? items.length;
  if (atOnce >= items.length) return allEnded(items.map((item) => work(item)));
  // A pool of `atOnce` lanes, each taking the next item when its last one ended; a lane stops
  // taking items once one has failed.
  const results = new Array<Promise<R>>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next++;
      results[index] = work(items[index]!);
      await results[index].catch(() => {
        failed = true;
      });
    }
  };
  await Promise.all(Array.from({ length: atOnce }, lane));
  return allEnded(results.filter((result) => result !== undefined));
}

/**
 * The results of steps already started side by side, in their order, once every one has ended;
 * rejects with the first failure in that order (as sideBySide).
 */
export async function allEnded<T extends readonly unknown[]>(steps: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
