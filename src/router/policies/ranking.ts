// Small helpers every policy shares, so that the contract of RoutingPolicy.order (only
// candidates, each once, healthy before unhealthy) is kept in one place rather than five.
// They run for every request the router serves, over a handful of regions: plain loops that
// allocate only their result (a Set, closures and four intermediate arrays per request showed
// up in the router's allocation profile).
import type { RegionCandidate } from './policy.js';

/** The candidates with repeats of a region code removed (the first occurrence wins); the input itself when it has none. */
export function uniqueCandidates(candidates: readonly RegionCandidate[]): readonly RegionCandidate[] {
  const n = candidates.length;
  for (let i = 1; i < n; i++) {
    if (seenBefore(candidates, i)) return candidates.filter((_, j) => !seenBefore(candidates, j));
  }
  return candidates;
}

/** Whether candidate i's region occurs earlier in the list (quadratic, for the few regions a model has). */
function seenBefore(candidates: readonly RegionCandidate[], i: number): boolean {
  const region = candidates[i]!.region;
  for (let j = 0; j < i; j++) if (candidates[j]!.region === region) return true;
  return false;
}

/**
 * Region codes with the healthy ones first, each group keeping the order it was given in (the
 * policy's preference). Route 53 likewise answers with an unhealthy record only when no healthy
 * one is left; the router still gets the unhealthy ones, last, as a final resort.
 */
export function healthyFirst(ranked: readonly RegionCandidate[]): string[] {
  const out: string[] = [];
  for (const c of ranked) if (c.healthy) out.push(c.region);
  if (out.length < ranked.length) for (const c of ranked) if (!c.healthy) out.push(c.region);
  return out;
}

/** A copy sorted by `key` ascending; ties keep their input order (Array.prototype.sort is stable). */
export function sortedBy<T>(items: readonly T[], key: (item: T) => number): T[] {
  if (items.length < 2) return items.slice();
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.item);
}
