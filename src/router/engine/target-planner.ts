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
import { pickEndpoint } from './endpoint-picker.js';
import type { ModelView, RegionView, VersionView } from './table-views.js';
import type { Target } from './types.js';
import { chooseInSplit, versionPoint } from './version-choice.js';

/** A region to try last (`strict`: not at all). */
export interface Avoid {
  region: string;
  strict?: boolean;
}

/** What the planner asks about health and load; one long-lived object (the engine's), not closures per request. */
export interface PlannerHealth {
  regionUsable: (model: string, region: RegionView) => boolean;
  /** `region`: the endpoint's (the outlier ejection cap is judged over its endpoints). */
  endpointUsable: (t: Target, region: RegionView) => boolean;
  /** Usable, but just refused or went silent: tried only when no unsuspected endpoint is left. */
  suspect: (t: Target) => boolean;
  outstanding: (key: string) => number;
  random: () => number;
}

/** Which endpoints a search may return: unsuspected usable ones, any usable one, or (fail-open) any. */
type Tier = 'fresh' | 'usable' | 'any';

/** The model's regions in the policy's order, each once; codes the table does not list are skipped. */
export function plannedRegions(model: ModelView | undefined, regionOrder: readonly string[]): RegionView[] {
  if (model === undefined) return [];
  // Sized up front: an array grown by push starts with room for 16, where a request lists a few.
  const out = new Array<RegionView>(regionOrder.length);
  let n = 0;
  for (const code of regionOrder) {
    const r = model.regions.get(code);
    if (r !== undefined && !out.includes(r)) out[n++] = r;
  }
  out.length = n;
  return out;
}

/** Hands out the targets of one request, best first. */
export class TargetPlanner {
  /** Endpoints handed out so far (a request has a handful at most: a list beats a Set); made with the first. */
  private tried: Target[] | undefined;
  private chosen: string | undefined;

  /**
   * @param regions from {@link plannedRegions}: the policy's order.
   * @param version an explicit version: only it may answer.
   */
  constructor(
    private readonly health: PlannerHealth,
    private readonly model: string,
    private readonly regions: readonly RegionView[],
    private readonly headers: Record<string, string>,
    private readonly version?: string,
  ) {
    this.chosen = version;
  }

  /** True when some listed region serves the model (the explicit version, when one is asked for). */
  get servable(): boolean {
    for (const r of this.regions) for (const v of r.versions) if (v.targets.length > 0 && (this.version === undefined || v.version.version === this.version)) return true;
    return false;
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
    return this.find('usable', undefined, avoid) ?? (this.tried === undefined ? this.find('any', undefined, avoid) : undefined);
  }

  /**
   * A target of `version` only: for hedges. A hedge is speculative (its twin has not failed), so
   * it must not give up what the version choice promised, e.g. a sticky client's version.
   */
  nextOfVersion(version: string, avoid?: Avoid): Target | undefined {
    return this.find('fresh', version, avoid);
  }

  private find(tier: Tier, only?: string, avoid?: Avoid): Target | undefined {
    const usable = tier === 'any' ? this.regions : this.usableRegions();
    const first = usable[0];
    if (this.chosen === undefined && first !== undefined) this.chosen = chooseInSplit(first.split, versionPoint(first.region, this.headers, this.health.random))?.version;
    const regions = avoid === undefined ? usable : inAvoidOrder(usable, avoid);
    const version = only ?? this.chosen;
    for (const region of regions) {
      const v = version === undefined ? undefined : region.byVersion.get(version);
      const t = v === undefined ? undefined : this.pick(region, v, tier);
      if (t !== undefined) return t;
    }
    if (only !== undefined || this.version !== undefined) return undefined;
    for (const region of regions) {
      for (const v of region.fallback) {
        const t = v.version.version === version ? undefined : this.pick(region, v, tier);
        if (t !== undefined) return t;
      }
    }
    return undefined;
  }

  /** The regions health allows; the planned list itself while that is all of them. */
  private usableRegions(): readonly RegionView[] {
    const all = this.regions;
    let out: RegionView[] | undefined;
    for (let i = 0; i < all.length; i++) {
      const r = all[i]!;
      if (this.health.regionUsable(this.model, r)) out?.push(r);
      else out ??= all.slice(0, i);
    }
    return out ?? all;
  }

  private pick(region: RegionView, v: VersionView, tier: Tier): Target | undefined {
    const h = this.health;
    const tried = this.tried;
    let n = 0;
    for (const t of v.targets) if (!(tried !== undefined && tried.includes(t)) && (tier === 'any' || (h.endpointUsable(t, region) && (tier === 'usable' || !h.suspect(t))))) scratch[n++] = t;
    let t: Target | undefined;
    try {
      t = pickEndpoint(scratch as readonly Target[], h.outstanding, h.random, n);
    } finally {
      scratch.fill(undefined, 0, n);
    }
    if (t !== undefined) {
      if (tried === undefined) this.tried = [t];
      else tried.push(t);
    }
    return t;
  }
}

/**
 * One pick's candidates, in its first slots: picks run one at a time, synchronously, and keep
 * none. Reused, and never shortened: V8 gives a shrunk array a new backing store when it grows.
 */
const scratch: (Target | undefined)[] = [];

/** `regions` without `avoid`'s region, then (unless strict) that region last. */
function inAvoidOrder(regions: readonly RegionView[], avoid: Avoid): RegionView[] {
  const elsewhere = regions.filter((r) => r.region.region !== avoid.region);
  return avoid.strict === true ? elsewhere : [...elsewhere, ...regions.filter((r) => r.region.region === avoid.region)];
}
