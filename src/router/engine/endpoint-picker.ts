// Endpoint choice inside a region: power of two choices on least outstanding requests (Mitzenmacher;
// Envoy's LEAST_REQUEST), among the endpoints the caller found usable. The two candidates come
// from different zones whenever two zones have one, so load spreads across failure domains; a
// zone whose endpoints are all down or ejected has no candidate and is skipped by construction.
import type { Target } from './types.js';

/**
 * Picks one of `candidates` (already filtered to usable, untried endpoints; the first `n` of them):
 * two at random, from different zones when possible, the one with fewer requests in flight wins;
 * ties go to the first.
 */
export function pickEndpoint(candidates: readonly Target[], outstanding: (key: string) => number, random: () => number, n = candidates.length): Target | undefined {
  if (n <= 1) return n === 1 ? candidates[0] : undefined;
  const a = candidates[at(n, random)]!;
  const zone = a.endpoint.zone;
  // The second comes from the others in a different zone, else from all the others; counted and
  // then indexed in place, as one request's choice allocates nothing.
  let others = 0;
  let otherZones = 0;
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    if (c === a) continue;
    others++;
    if (c.endpoint.zone !== zone) otherZones++;
  }
  const crossZone = otherZones > 0;
  let k = at(crossZone ? otherZones : others, random);
  let b: Target | undefined;
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    if (c === a || (crossZone && c.endpoint.zone === zone)) continue;
    if (k-- === 0) {
      b = c;
      break;
    }
  }
  return outstanding(b!.key) < outstanding(a.key) ? b! : a;
}

/** A uniform index below `n`. */
function at(n: number, random: () => number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
