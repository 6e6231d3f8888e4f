// Where a request's next attempt goes. Regions in the policy's order; inside a region its version
// choice (weights or sticky hash), then power of two choices among usable endpoints not yet tried
// by this request. So a retry goes to another endpoint of the same region while one is usable, and
// to the next region otherwise (Envoy's previous_priorities). Never to the same endpoint twice.
import type { RoutingRegion, RoutingVersion } from '../../core/routing-table.js';
import { pickEndpoint } from './endpoint-picker.js';
import { targetKey, type Target } from './types.js';
import { versionOrder, versionPoint } from './version-choice.js';

/** One request's view of the table and of endpoint health. */
export interface PlannerOptions {
  model: string;
  /** The model's regions from the routing table. */
  regions: readonly RoutingRegion[];
  /** From the policy, best first. Codes not in `regions` are skipped. */
  regionOrder: readonly string[];
  /** An explicit version: only it may answer. */
  version?: string;
  headers: Record<string, string>;
  random: () => number;
  regionUsable: (region: string) => boolean;
  endpointUsable: (t: Target) => boolean;
  outstanding: (key: string) => number;
}

/** Hands out the targets of one request, best first. */
export class TargetPlanner {
  private readonly tried = new Set<string>();
  private readonly versions = new Map<string, RoutingVersion[]>();
  private readonly regions: RoutingRegion[];

  constructor(private readonly o: PlannerOptions) {
    const byCode = new Map(o.regions.map((r) => [r.region, r]));
    this.regions = [...new Set(o.regionOrder)].flatMap((c) => byCode.get(c) ?? []);
  }

  /** True when some listed region serves the requested model (and version, when explicit). */
  get servable(): boolean {
    return this.regions.some((r) => this.versionsOf(r).some((v) => v.endpoints.length > 0));
  }

  /**
   * The next target, or undefined when no usable endpoint is left. When health says nothing at
   * all can serve, the first attempt goes to an endpoint anyway (Global Accelerator fails open):
   * health data can be wrong, and one try costs less than a certain error.
   */
  next(): Target | undefined {
    return this.find(false) ?? (this.tried.size === 0 ? this.find(true) : undefined);
  }

  private find(failOpen: boolean): Target | undefined {
    for (const region of this.regions) {
      if (!failOpen && !this.o.regionUsable(region.region)) continue;
      for (const v of this.versionsOf(region)) {
        const candidates = v.endpoints
          .map((endpoint): Target => ({ model: this.o.model, region: region.region, version: v.version, endpoint, key: targetKey(this.o.model, v.version, endpoint) }))
          .filter((t) => !this.tried.has(t.key) && (failOpen || this.o.endpointUsable(t)));
        const t = pickEndpoint(candidates, this.o.outstanding, this.o.random);
        if (t !== undefined) {
          this.tried.add(t.key);
          return t;
        }
      }
    }
    return undefined;
  }

  private versionsOf(region: RoutingRegion): RoutingVersion[] {
    let vs = this.versions.get(region.region);
    if (vs === undefined) {
      vs = this.o.version !== undefined ? region.versions.filter((v) => v.version === this.o.version) : versionOrder(region.versions, versionPoint(region, this.o.headers, this.o.random));
      this.versions.set(region.region, vs);
    }
    return vs;
  }
}
