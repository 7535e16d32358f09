/**
 * The open-loop schedule: request `i` is due at `i / rate` seconds after the start, whatever
 * happened to earlier requests, so a slow server cannot slow the offered load down
 * (no coordinated omission). Pure functions, tested in `bench.node.test.ts`.
 */

/** How many requests should have been sent `elapsedMs` after the start (request 0 at t=0). */
export function dueCount(elapsedMs: number, ratePerSecond: number, total: number): number {
  if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * ratePerSecond) / 1000) + 1);
}

/** When request `i` is due, in ms after the start. */
export function dueAt(index: number, ratePerSecond: number): number {
  return (index * 1000) / ratePerSecond;
}

/** Requests an open-loop run of `durationMs` at `ratePerSecond` offers, capped at `max`. */
export function plannedCount(durationMs: number, ratePerSecond: number, max = Number.POSITIVE_INFINITY): number {
  return Math.max(0, Math.min(max, Math.floor((durationMs * ratePerSecond) / 1000)));
}
