// A steady real-time flow: how many events are due at a given moment, and how long until the next.

/** Events a flow of `ratePerSecond` owes after `elapsedMs`, never more than the run's `total`. */
export function eventsDue(ratePerSecond: number, elapsedMs: number, total: number): number {
  return Math.min(total, Math.floor((ratePerSecond * Math.max(0, elapsedMs)) / 1000));
}

/** Milliseconds from `elapsedMs` until the event after the first `produced` ones is due (0 when it already is). */
export function msUntilNextDue(ratePerSecond: number, produced: number, elapsedMs: number): number {
  return Math.max(0, Math.ceil(((produced + 1) * 1000) / ratePerSecond - elapsedMs));
}
