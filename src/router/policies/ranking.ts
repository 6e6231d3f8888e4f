// Small helpers every policy shares, so that the contract of RoutingPolicy.order (only
// candidates, each once, healthy before unhealthy) is kept in one place rather than five.
import type { RegionCandidate } from './policy.js';

/** The candidates with repeats of a region code removed (the first occurrence wins). */
export function uniqueCandidates(candidates: readonly RegionCandidate[]): RegionCandidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (seen.has(c.region)) return false;
    seen.add(c.region);
    return true;
  });
}

/**
 * Region codes with the healthy ones first, each group keeping the order it was given in (the
 * policy's preference). Route 53 likewise answers with an unhealthy record only when no healthy
 * one is left; the router still gets the unhealthy ones, last, as a final resort.
 */
export function healthyFirst(ranked: readonly RegionCandidate[]): string[] {
  return [...ranked.filter((c) => c.healthy), ...ranked.filter((c) => !c.healthy)].map((c) => c.region);
}

/** A copy sorted by `key` ascending; ties keep their input order (Array.prototype.sort is stable). */
export function sortedBy<T>(items: readonly T[], key: (item: T) => number): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.item);
}
