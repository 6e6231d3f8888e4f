// Where a request's next attempt goes. The version is chosen once, in the first usable region of
// the policy's order (its weights, or the sticky hash); then, like Istio's weighted subsets, health
// failover happens inside that version: its endpoints in that region (power of two choices among
// usable, untried ones), then in the next regions (Envoy's previous_priorities). Only when no
// listed region has the chosen version usable does another version answer, heaviest first:
// availability beats the split, but a failing or overloaded stable version never silently moves
// its traffic onto a 10% canary while other regions could serve it. Never one endpoint twice.
import type { RoutingRegion, RoutingVersion } from '../../core/routing-table.js';
import { pickEndpoint } from './endpoint-picker.js';
import { targetKey, type Target } from './types.js';
import { byWeight, chooseVersion, versionPoint } from './version-choice.js';

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
  private readonly regions: RoutingRegion[];
  private chosen: string | undefined;

  constructor(private readonly o: PlannerOptions) {
    const byCode = new Map(o.regions.map((r) => [r.region, r]));
    this.regions = [...new Set(o.regionOrder)].flatMap((c) => byCode.get(c) ?? []);
    this.chosen = o.version;
  }

  /** True when some listed region serves the model (the explicit version, when one is asked for). */
  get servable(): boolean {
    return this.regions.some((r) => r.versions.some((v) => v.endpoints.length > 0 && (this.o.version === undefined || v.version === this.o.version)));
  }

  /**
   * The next target, or undefined when no usable endpoint is left. When health says nothing at
   * all can serve, the first attempt goes to an endpoint anyway (Global Accelerator fails open):
   * health data can be wrong, and one try costs less than a certain error.
   */
  next(): Target | undefined {
    return this.find(false) ?? (this.tried.size === 0 ? this.find(true) : undefined);
  }

  /**
   * A target of `version` only: for hedges. A hedge is speculative (its twin has not failed), so
   * it must not give up what the version choice promised, e.g. a sticky client's version.
   */
  nextOfVersion(version: string): Target | undefined {
    return this.find(false, version);
  }

  private find(failOpen: boolean, only?: string): Target | undefined {
    const regions = failOpen ? this.regions : this.regions.filter((r) => this.o.regionUsable(r.region));
    const first = regions[0];
    if (this.chosen === undefined && first !== undefined) this.chosen = chooseVersion(first.versions, versionPoint(first, this.o.headers, this.o.random))?.version;
    const version = only ?? this.chosen;
    for (const region of regions) {
      const t = this.pick(region, region.versions.find((v) => v.version === version), failOpen);
      if (t !== undefined) return t;
    }
    if (only !== undefined || this.o.version !== undefined) return undefined;
    for (const region of regions) {
      for (const v of byWeight(region.versions)) {
        const t = v.version === version ? undefined : this.pick(region, v, failOpen);
        if (t !== undefined) return t;
      }
    }
    return undefined;
  }

  private pick(region: RoutingRegion, v: RoutingVersion | undefined, failOpen: boolean): Target | undefined {
    if (v === undefined) return undefined;
    const candidates = v.endpoints
      .map((endpoint): Target => ({ model: this.o.model, region: region.region, version: v.version, endpoint, key: targetKey(this.o.model, v.version, endpoint) }))
      .filter((t) => !this.tried.has(t.key) && (failOpen || this.o.endpointUsable(t)));
    const t = pickEndpoint(candidates, this.o.outstanding, this.o.random);
    if (t !== undefined) this.tried.add(t.key);
    return t;
  }
}
