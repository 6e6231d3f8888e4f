// Latency routing (Route 53's "latency" policy): the region with the lowest measured round-trip
// time from this router's edge goes first. Route 53 measures latency between AWS regions and
// resolver networks; we measure from the edge itself, which is closer to what the request feels.
import { greatCircleKm } from '../../core/geo.js';
import type { LatLon } from '../../core/regions.js';
import type { PolicyContext, RegionCandidate, RoutingPolicy } from './policy.js';
import { healthyFirst, sortedBy, uniqueCandidates } from './ranking.js';

/**
 * Orders regions by smoothed RTT from the edge, lowest first. Regions not measured yet (a new
 * region, or a router that just started) come after every measured one, nearest to the edge
 * first: distance is the best prior for RTT we have (light in fibre covers ~200 km per ms), so a
 * router that has not measured anything yet still behaves sensibly.
 */
export function latencyPolicy(): RoutingPolicy {
  return {
    type: 'latency',
    order(ctx: PolicyContext): string[] {
      const candidates = uniqueCandidates(ctx.candidates);
      const measured = sortedBy(candidates.filter(isMeasured), (c) => c.rttMs ?? 0);
      const unmeasured = sortedBy(candidates.filter((c) => !isMeasured(c)), (c) => distanceKm(ctx.edge, c));
      return healthyFirst([...measured, ...unmeasured]);
    },
  };
}

/** An RTT that is not a finite, non-negative number is treated as not measured. */
function isMeasured(c: RegionCandidate): boolean {
  return c.rttMs !== undefined && Number.isFinite(c.rttMs) && c.rttMs >= 0;
}

function distanceKm(from: LatLon, c: RegionCandidate): number {
  return greatCircleKm(from, { latitude: c.latitude, longitude: c.longitude });
}
