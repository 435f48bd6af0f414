// Independent pieces of a run (the sources of silver, the metrics of gold) go to Spark side by
// side: while one waits on the driver (planning, the Delta log, a commit), another's tasks run.

/**
 * Starts `work` for every item at once and waits until all have ended, so nothing is still running
 * when the caller goes on (to clean up after a failure, or to report). Resolves to the results in
 * the order of `items`; rejects with the first failure in that order.
 */
export async function sideBySide<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  return allEnded(items.map((item) => work(item)));
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
