// Geoproximity routing (Route 53's "geoproximity" policy): the region nearest to the client wins,
// where each region's distance can be scaled by a bias to grow or shrink the area it serves.
import { greatCircleKm } from '../../core/geo.js';
import type { PolicyContext, RoutingPolicy } from './policy.js';
import { healthyFirst, sortedBy, uniqueCandidates } from './ranking.js';

/** Route 53's bias range; 100 would make a region's distance zero (it would take everything). */
export const GEOPROXIMITY_BIAS_LIMIT = 99;

/**
 * The distance Route 53 compares instead of the real one, for a bias in −99…99 (Route 53
 * Developer Guide, "How Amazon Route 53 uses bias to route traffic"):
 * - positive bias: `distance × (1 − bias/100)`; +50 makes a region look half as far away, so it
 *   draws clients from a wider area;
 * - negative bias: `distance ÷ (1 + bias/100)`, with the bias's sign kept; −50 makes a region
 *   look twice as far away, so its area shrinks.
 *
 * A client standing at a region (distance 0) always picks it, whatever the other biases.
 */
export function biasedDistanceKm(distanceKm: number, bias: number): number {
  if (bias > 0) return distanceKm * (1 - bias / 100);
  if (bias < 0) return distanceKm / (1 + bias / 100);
  return distanceKm;
}

/**
 * Orders regions by biased great-circle distance from the client, nearest first. When the
 * client's location is unknown (no header, private address, no GeoIP match) the router's edge
 * stands in for it: the client reached this edge, so it is probably not far from it.
 *
 * @param bias per region code, −99…99 (validated by validatePolicySpec); regions without one have 0.
 */
export function geoproximityPolicy(bias: Readonly<Record<string, number>> = {}): RoutingPolicy {
  return {
    type: 'geoproximity',
    order(ctx: PolicyContext): string[] {
      const from = ctx.client.location ?? ctx.edge;
      const ranked = sortedBy(uniqueCandidates(ctx.candidates), (c) =>
        biasedDistanceKm(greatCircleKm(from, { latitude: c.latitude, longitude: c.longitude }), bias[c.region] ?? 0),
      );
      return healthyFirst(ranked);
    },
  };
}
