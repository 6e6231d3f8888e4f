// The RoutingTable: what routers serve. Published by the control plane (TrafficControl port)
// whenever a region is verified, rolled back or changes health; routers keep serving the last
// table they received if the control plane goes away.

export interface RoutingEndpoint {
  /** Replica id, e.g. `eu-west-1/iris:v2/0`. */
  id: string;
  zone: string;
  url: string;
}

export interface RoutingRegion {
  region: string;
  /** Version served here; the canary issue adds weighted splits between versions. */
  version: string;
  endpoints: RoutingEndpoint[];
}

export interface RoutingTable {
  /** Increases with every publication, so a router can ignore stale tables. */
  revision: number;
  generatedAt: string;
  models: Record<string, { regions: RoutingRegion[] }>;
}

export const EMPTY_ROUTING_TABLE: RoutingTable = { revision: 0, generatedAt: new Date(0).toISOString(), models: {} };
