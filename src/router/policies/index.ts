// The routing policies, one file each, behind one constructor: the router builds a policy from
// a model's RoutingPolicySpec (from the routing table) and never names a concrete policy itself.
import { MeridianError } from '../../core/errors.js';
import type { RoutingPolicySpec } from '../../core/routing-table.js';
import { failoverPolicy } from './failover.js';
import { geolocationPolicy } from './geolocation.js';
import { geoproximityPolicy } from './geoproximity.js';
import { latencyPolicy } from './latency.js';
import type { RoutingPolicy } from './policy.js';
import { weightedPolicy } from './weighted.js';

export type { ClientInfo, PolicyContext, RegionCandidate, RoutingPolicy } from './policy.js';
export { biasedDistanceKm, GEOPROXIMITY_BIAS_LIMIT } from './geoproximity.js';
export { parseGeoMatch, type GeoMatch } from './geolocation.js';
export { POLICY_TYPES, validatePolicySpec } from './validate.js';
export { failoverPolicy, geolocationPolicy, geoproximityPolicy, latencyPolicy, weightedPolicy };

/**
 * The policy a spec describes. The spec is trusted to have passed {@link validatePolicySpec}
 * (the control plane checks it before publishing a routing table).
 *
 * @throws MeridianError `INVALID_ARGUMENT` for a type it does not know (a table from a newer
 *         control plane) or a malformed geolocation `match`.
 */
export function createPolicy(spec: RoutingPolicySpec): RoutingPolicy {
  switch (spec.type) {
    case 'latency':
      return latencyPolicy();
    case 'geoproximity':
      return geoproximityPolicy(spec.bias);
    case 'geolocation':
      return geolocationPolicy(spec.rules);
    case 'weighted':
      return weightedPolicy(spec.weights);
    case 'failover':
      return failoverPolicy(spec.order);
    default: {
      const type: unknown = (spec as { type?: unknown }).type;
      throw new MeridianError('INVALID_ARGUMENT', `policy.type: ${JSON.stringify(type)} is not a routing policy this router knows; use one of latency, geoproximity, geolocation, weighted, failover`, { type });
    }
  }
}

/**
 * Whether the policy orders regions by where the client is (so the router must locate it, GeoIP
 * included); the others need only the edge, the measured RTTs, weights or an order.
 */
export function usesClientLocation(spec: RoutingPolicySpec): boolean {
  return spec.type === 'geoproximity' || spec.type === 'geolocation';
}
