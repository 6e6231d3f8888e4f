// Weighted routing (Route 53's "weighted" policy): each region gets a fixed share of requests.
// Route 53 answers with one record chosen at random in proportion to the weights; we do the same
// for the first region and list the others after it as the failover order.
import type { PolicyContext, RegionCandidate, RoutingPolicy } from './policy.js';
import { sortedBy, uniqueCandidates } from './ranking.js';

/**
 * Orders regions for one request:
 * 1. one healthy region with weight > 0, drawn with probability weight ÷ (sum of those weights);
 * 2. the other healthy regions with weight > 0, heaviest first;
 * 3. healthy candidates with weight 0 or none, in candidate order (Route 53 likewise considers
 *    zero-weight records only when every non-zero one is unhealthy);
 * 4. unhealthy regions, heaviest first, then their zero-weight ones.
 *
 * When no healthy region has a weight, the first region is drawn from the next group instead, so
 * traffic is still spread rather than piled onto one region: evenly among healthy zero-weight
 * regions (Route 53 splits evenly when all weights are 0), else by weight among the unhealthy
 * ones (health checks failing everywhere at once are more likely wrong than right, and Route 53
 * fails open the same way, keeping the configured shares).
 *
 * Ties in weight keep candidate order, and the only randomness is one call to `ctx.random`, so
 * the order is deterministic given `random`.
 *
 * @param weights per region code, ≥ 0 (validated by validatePolicySpec).
 */
export function weightedPolicy(weights: Readonly<Record<string, number>>): RoutingPolicy {
  const weightOf = (c: RegionCandidate): number => {
    const w = weights[c.region];
    return w !== undefined && Number.isFinite(w) && w > 0 ? w : 0;
  };
  const heaviestFirst = (list: readonly RegionCandidate[]): RegionCandidate[] => sortedBy(list, (c) => -weightOf(c));
  return {
    type: 'weighted',
    order(ctx: PolicyContext): string[] {
      const candidates = uniqueCandidates(ctx.candidates);
      const healthy = candidates.filter((c) => c.healthy);
      const unhealthy = candidates.filter((c) => !c.healthy);
      const first = drawFirst(candidates, weightOf, ctx.random);
      const rest = (list: readonly RegionCandidate[]): RegionCandidate[] => [
        ...heaviestFirst(list.filter((c) => c !== first && weightOf(c) > 0)),
        ...list.filter((c) => c !== first && weightOf(c) === 0),
      ];
      return [...(first ? [first] : []), ...rest(healthy), ...rest(unhealthy)].map((c) => c.region);
    },
  };
}

/** The first region: drawn from the first non-empty group of the steps above. */
function drawFirst(
  candidates: readonly RegionCandidate[],
  weightOf: (c: RegionCandidate) => number,
  random: () => number,
): RegionCandidate | undefined {
  for (const healthy of [true, false]) {
    const group = candidates.filter((c) => c.healthy === healthy);
    const weighted = group.filter((c) => weightOf(c) > 0);
    if (weighted.length > 0) return draw(weighted, weightOf, random);
    if (group.length > 0) return draw(group, () => 1, random);
  }
  return undefined;
}

/**
 * One item drawn with probability proportional to its weight (all weights > 0), using one value
 * of `random` in [0, 1); undefined for an empty list. A `random` that returns 1 or more (outside
 * its contract) still yields the last item rather than nothing.
 */
function draw<T>(items: readonly T[], weightOf: (item: T) => number, random: () => number): T | undefined {
  if (items.length === 0) return undefined;
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let point = random() * total;
  for (const item of items) {
    point -= weightOf(item);
    if (point < 0) return item;
  }
  return items[items.length - 1];
}
