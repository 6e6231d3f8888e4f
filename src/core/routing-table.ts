// The RoutingTable: what routers serve. Published by the control plane (TrafficControl port)
// whenever a region is verified, rolled back or changes weights; routers keep serving the last
// table they received if the control plane goes away.

export interface RoutingEndpoint {
  /** Replica id, e.g. `eu-west-1/iris:v2/0`. */
  id: string;
  zone: string;
  url: string;
}

/**
 * How a model's requests choose a region (Route 53's policies). Geolocation rules match
 * `country:DE`, `continent:EU` (AF AS EU NA OC SA) or `*`; the most specific match wins.
 */
export type RoutingPolicySpec =
  /** The region with the lowest measured RTT from the router's edge. */
  | { type: 'latency' }
  /** The nearest region by great-circle distance, each distance scaled by its bias (−99…99, Route 53's semantics). */
  | { type: 'geoproximity'; bias?: Record<string, number> }
  /** The client's country or continent picks the allowed regions; `*` is the default. */
  | { type: 'geolocation'; rules: { match: string; regions: string[] }[] }
  /** Fixed shares per region. */
  | { type: 'weighted'; weights: Record<string, number> }
  /** An ordered list: the first healthy region takes everything. */
  | { type: 'failover'; order: string[] };

export const DEFAULT_ROUTING_POLICY: RoutingPolicySpec = { type: 'latency' };

export interface RoutingVersion {
  version: string;
  /** Share of this region's requests, 0..1; the versions of a region sum to 1. */
  weight: number;
  endpoints: RoutingEndpoint[];
}

export interface RoutingRegion {
  region: string;
  latitude: number;
  longitude: number;
  /** Jurisdiction whose law applies (EU, US, UK…): residency filtering. */
  jurisdiction: string;
  country: string;
  continent: string;
  /** The versions served here. One at weight 1, or a split while a canary runs. */
  versions: RoutingVersion[];
  /** Hash this request header to keep a client on one version; absent: random per request. */
  stickyHeader?: string;
  /** Send a copy of `percent`% of requests to this version; its responses are discarded. */
  mirror?: { version: string; percent: number; endpoints: RoutingEndpoint[] };
}

export interface RoutingModel {
  policy: RoutingPolicySpec;
  /** Jurisdictions the model may be served in; null = anywhere. Routers never send a request elsewhere, not even in failover. */
  residency: string[] | null;
  regions: RoutingRegion[];
  /**
   * Share of requests whose outcome and outputs are recorded for analysis (0..1); the control plane
   * raises it to 1 while a release is being analysed. Absent: the router's own setting.
   */
  sampleRate?: number;
}

export interface RoutingTable {
  /** Increases with every publication, so a router can ignore stale tables. */
  revision: number;
  generatedAt: string;
  models: Record<string, RoutingModel>;
}

export const EMPTY_ROUTING_TABLE: RoutingTable = { revision: 0, generatedAt: new Date(0).toISOString(), models: {} };
