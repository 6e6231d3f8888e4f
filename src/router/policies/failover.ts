// Failover routing (Route 53's "failover" policy, generalised from PRIMARY/SECONDARY to an ordered
// list): the first healthy region in the operator's order takes every request.
import type { PolicyContext, RoutingPolicy } from './policy.js';
import { healthyFirst, uniqueCandidates } from './ranking.js';

/**
 * Orders regions as configured: the healthy ones in `order`, then the unhealthy ones in `order`
 * (a last resort, since health checks can be wrong). Candidates not in `order` are left out: the
 * operator listed where traffic may fail over to, and a region missing from the list is a choice.
 * Regions in `order` that are not candidates (not deployed, or excluded by residency) are skipped.
 */
export function failoverPolicy(order: readonly string[]): RoutingPolicy {
  return {
    type: 'failover',
    order(ctx: PolicyContext): string[] {
      const byRegion = new Map(uniqueCandidates(ctx.candidates).map((c) => [c.region, c]));
      const listed = [...new Set(order)].flatMap((code) => {
        const c = byRegion.get(code);
        return c ? [c] : [];
      });
      return healthyFirst(listed);
    },
  };
}
