// Endpoint choice inside a region: power of two choices on least outstanding requests (Mitzenmacher;
// Envoy's LEAST_REQUEST), among the endpoints the caller found usable. The two candidates come
// from different zones whenever two zones have one, so load spreads across failure domains; a
// zone whose endpoints are all down or ejected has no candidate and is skipped by construction.
import type { Target } from './types.js';

/**
 * Picks one of `candidates` (already filtered to usable, untried endpoints): two at random, from
 * different zones when possible, the one with fewer requests in flight wins; ties go to the first.
 */
export function pickEndpoint(candidates: readonly Target[], outstanding: (key: string) => number, random: () => number): Target | undefined {
  if (candidates.length <= 1) return candidates[0];
  const at = (n: number): number => Math.min(n - 1, Math.floor(random() * n));
  const a = candidates[at(candidates.length)]!;
  const others = candidates.filter((c) => c !== a);
  const otherZones = others.filter((c) => c.endpoint.zone !== a.endpoint.zone);
  const pool = otherZones.length > 0 ? otherZones : others;
  const b = pool[at(pool.length)]!;
  return outstanding(b.key) < outstanding(a.key) ? b : a;
}
