// Where a request's next attempt goes. The version is chosen once, in the first usable region of
// the policy's order (its weights, or the sticky hash); then, like Istio's weighted subsets, health
// failover happens inside that version: its endpoints in that region (power of two choices among
// usable, untried ones), then in the next regions (Envoy's previous_priorities). Only when no
// listed region has the chosen version usable does another version answer, heaviest first:
// availability beats the split, but a failing or overloaded stable version never silently moves
// its traffic onto a 10% canary while other regions could serve it. Never one endpoint twice.
// A caller that has reason to distrust a whole region (it went silent: a per-try timeout, a
// stalled hedge) can ask for the other regions first; that region then comes last, not never.
// Suspect endpoints (suspects.ts) are a last resort, for a request that has nothing left in
// flight: every listed region's unsuspected endpoints come first, then the suspect ones (suspicion
// is a hint from one silence, and when everything looks suspect something must still serve), then
// fail-open. A caller with an attempt still in flight (a hedge, a retry beside a timed-out
// attempt) gets unsuspected endpoints only: its own attempt is a better bet than a suspect one.
import type { RoutingRegion, RoutingVersion } from '../../core/routing-table.js';
import { pickEndpoint } from './endpoint-picker.js';
import { targetKey, type Target } from './types.js';
import { byWeight, chooseVersion, versionPoint } from './version-choice.js';

/** A region to try last (`strict`: not at all). */
export interface Avoid {
  region: string;
  strict?: boolean;
}

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
  /** Usable, but just refused or went silent: tried only when no unsuspected endpoint is left. */
  suspect: (t: Target) => boolean;
  outstanding: (key: string) => number;
}

/** Which endpoints a search may return: unsuspected usable ones, any usable one, or (fail-open) any. */
type Tier = 'fresh' | 'usable' | 'any';

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
   * The next target, or undefined when no usable endpoint is left; `avoid`'s region comes last
   * (strict: never). With `lastResort` (a request with nothing else in flight) suspect endpoints
   * come after every unsuspected one, and when health says nothing at all can serve, the first
   * attempt goes to an endpoint anyway (Global Accelerator fails open): health data can be wrong,
   * and one try costs less than a certain error.
   */
  next(avoid?: Avoid, lastResort = true): Target | undefined {
    const fresh = this.find('fresh', undefined, avoid);
    if (fresh !== undefined || !lastResort) return fresh;
    return this.find('usable', undefined, avoid) ?? (this.tried.size === 0 ? this.find('any', undefined, avoid) : undefined);
  }

  /**
   * A target of `version` only: for hedges. A hedge is speculative (its twin has not failed), so
   * it must not give up what the version choice promised, e.g. a sticky client's version.
   */
  nextOfVersion(version: string, avoid?: Avoid): Target | undefined {
    return this.find('fresh', version, avoid);
  }

  private find(tier: Tier, only?: string, avoid?: Avoid): Target | undefined {
    const usable = tier === 'any' ? this.regions : this.regions.filter((r) => this.o.regionUsable(r.region));
    const first = usable[0];
    if (this.chosen === undefined && first !== undefined) this.chosen = chooseVersion(first.versions, versionPoint(first, this.o.headers, this.o.random))?.version;
    const elsewhere = usable.filter((r) => r.region !== avoid?.region);
    const regions = avoid === undefined ? usable : avoid.strict === true ? elsewhere : [...elsewhere, ...usable.filter((r) => r.region === avoid.region)];
    const version = only ?? this.chosen;
    for (const region of regions) {
      const t = this.pick(region, region.versions.find((v) => v.version === version), tier);
      if (t !== undefined) return t;
    }
    if (only !== undefined || this.o.version !== undefined) return undefined;
    for (const region of regions) {
      for (const v of byWeight(region.versions)) {
        const t = v.version === version ? undefined : this.pick(region, v, tier);
        if (t !== undefined) return t;
      }
    }
    return undefined;
  }

  private pick(region: RoutingRegion, v: RoutingVersion | undefined, tier: Tier): Target | undefined {
    if (v === undefined) return undefined;
    const candidates = v.endpoints
      .map((endpoint): Target => ({ model: this.o.model, region: region.region, version: v.version, endpoint, key: targetKey(this.o.model, v.version, endpoint) }))
      .filter((t) => !this.tried.has(t.key) && (tier === 'any' || (this.o.endpointUsable(t) && (tier === 'usable' || !this.o.suspect(t)))));
    const t = pickEndpoint(candidates, this.o.outstanding, this.o.random);
    if (t !== undefined) this.tried.add(t.key);
    return t;
  }
}
