// Failover routing (Route 53's "failover" policy, generalised from PRIMARY/SECONDARY to an ordered
// list): the first healthy region in the operator's order takes every request.
import type { PolicyContext, RegionCandidate, RoutingPolicy } from './policy.js';
import { healthyFirst } from './ranking.js';

/**
 * Orders regions as configured: the healthy ones in `order`, then the unhealthy ones in `order`
 * (a last resort, since health checks can be wrong). Candidates not in `order` are left out: the
 * operator listed where traffic may fail over to, and a region missing from the list is a choice.
 * Regions in `order` that are not candidates (not deployed, or excluded by residency) are skipped.
 */
export function failoverPolicy(order: readonly string[]): RoutingPolicy {
  const codes = [...new Set(order)];
  return {
    type: 'failover',
    order(ctx: PolicyContext): string[] {
      const candidates = ctx.candidates;
      const listed: RegionCandidate[] = [];
      for (const code of codes) {
        // The first candidate of that code (candidates may repeat one); a handful of regions: a scan, not a Map per request.
        for (const c of candidates) {
          if (c.region !== code) continue;
          listed.push(c);
          break;
        }
      }
      return healthyFirst(listed);
    },
  };
}
