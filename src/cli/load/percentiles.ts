// Percentiles of latency samples. Nearest-rank on the exact, sorted samples: a load run keeps every
// request, so there is no need for a histogram's approximation, and nearest-rank always reports a
// latency some request really had (no interpolation between two requests).

/** p50/p90/p99/max in ms; null when there were no samples (JSON has no undefined). */
export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * The nearest-rank percentile of ascending-sorted values: the smallest value such that at least
 * `p` percent of the values are ≤ it. `p` in (0, 100]; undefined for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Sorts a copy ascending (numerically: the default sort compares strings). */
export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** p50, p90, p99 and max of unsorted values. */
export function summarize(values: readonly number[]): LatencySummary {
  const s = sortedAscending(values);
  const at = (p: number): number | null => percentile(s, p) ?? null;
  return { p50: at(50), p90: at(90), p99: at(99), max: s.length === 0 ? null : (s[s.length - 1] ?? null) };
}
