/**
 * Pure statistics used by the benchmark: percentiles and ratios. No I/O, no timing.
 */

/**
 * The `q`-th percentile (0–100) of `values` by the nearest-rank method: the smallest value
 * such that at least `q`% of the samples are ≤ it. `NaN` for an empty sample.
 * Pass `sorted: true` when `values` is already ascending to skip the copy and sort.
 */
export function percentile(values: readonly number[], q: number, sorted = false): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be within 0..100, got ${q}`);
  if (values.length === 0) return Number.NaN;
  const ordered = sorted ? values : [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((q / 100) * ordered.length));
  return ordered[rank - 1]!;
}

/** p50, p90, p99 and max of a latency sample (ms). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarises a latency sample. */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50, true),
    p90: percentile(sorted, 90, true),
    p99: percentile(sorted, 99, true),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** `value / base`, or `NaN` when either is missing or the base is zero. */
export function ratio(value: number, base: number): number {
  return Number.isFinite(value) && Number.isFinite(base) && base !== 0 ? value / base : Number.NaN;
}

/** The median of a sample: the middle value, or the mean of the two middle values (`NaN` when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
