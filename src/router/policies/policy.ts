// A routing policy orders a model's candidate regions for one request, best first. The router
// then tries them in that order (the first is where the request goes; the rest are where retries
// and failover go). Policies are pure functions of their inputs: health, RTT and client location
// are gathered by the router and passed in.
import type { LatLon } from '../../core/regions.js';

/** Where the client is, as far as the router can tell (headers, GeoIP). */
export interface ClientInfo {
  location?: LatLon;
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  /** AF AS EU NA OC SA. */
  continent?: string;
}

export interface RegionCandidate {
  region: string;
  latitude: number;
  longitude: number;
  jurisdiction: string;
  country: string;
  continent: string;
  /** False when the router's health checks consider every endpoint of the region down. */
  healthy: boolean;
  /** Smoothed round-trip time from this edge, ms; undefined until measured. */
  rttMs?: number | undefined;
}

export interface PolicyContext {
  client: ClientInfo;
  /** Where this router runs. */
  edge: LatLon;
  /** Already filtered by residency: a region not listed here must never be returned. */
  candidates: readonly RegionCandidate[];
  /** Uniform [0,1): injected so tests are deterministic. */
  random: () => number;
}

export interface RoutingPolicy {
  readonly type: string;
  /**
   * Candidate region codes, best first. Healthy regions come before unhealthy ones (failover);
   * regions the policy excludes for this client (geolocation without a match) are omitted.
   */
  order(ctx: PolicyContext): string[];
}
