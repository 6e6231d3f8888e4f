// Label sets for the engine's metrics, each built once and reused. The registry finds a series
// from its labels object in a WeakMap when it sees the same object again; a fresh object per
// update means a JSON.stringify of the sorted labels instead, several times per request (the
// profile put the metric updates at ~25–30 µs per request). Targets live as long as their
// routing table (table-views.ts), so their label sets hang off them; the rest are keyed by value.
import type { Target } from './types.js';

type Labels = Record<string, string>;

/** A target's label sets, each found by lookups on interned strings and numbers: no key is built per update. */
interface TargetLabels {
  target: Labels | undefined;
  /** role → result → labels. */
  attempts: Map<string, Map<string, Labels>>;
  reasons: Map<string, Labels>;
  /** action → status → labels. */
  requests: Map<string, Map<number, Labels>>;
}

/** Interned label sets: the same values give the same object. */
export class LabelSets {
  private readonly perTarget = new WeakMap<Target, TargetLabels>();
  private readonly perKey = new Map<string, Labels>();

  /** `{model, region, version}` of the target. */
  target(t: Target): Labels {
    const m = this.ofTarget(t);
    return (m.target ??= { model: t.model, region: t.region, version: t.version });
  }

  /** An upstream attempt's: `{model, region, version, role, result}`. */
  attempt(t: Target, role: string, result: string): Labels {
    const byRole = this.ofTarget(t).attempts;
    let byResult = byRole.get(role);
    if (byResult === undefined) byRole.set(role, (byResult = new Map<string, Labels>()));
    let l = byResult.get(result);
    if (l === undefined) byResult.set(result, (l = { model: t.model, region: t.region, version: t.version, role, result }));
    return l;
  }

  /** A retry's or hedge's: `{model, region, reason}` (the region that failed or was slow). */
  reason(t: Target, reason: string): Labels {
    const m = this.ofTarget(t).reasons;
    let l = m.get(reason);
    if (l === undefined) m.set(reason, (l = { model: t.model, region: t.region, reason }));
    return l;
  }

  /** A client request's: `{model, region, version, action, status}`. */
  request(model: string, region: string, version: string, action: string, status: number): Labels {
    return this.ofKey(`${model}\u0000${region}\u0000${version}\u0000${action}\u0000${status}`, () => ({ model, region, version, action, status: String(status) }));
  }

  /** {@link request} of a request answered (or last tried) at `t`. */
  requestAt(t: Target, action: string, status: number): Labels {
    const byAction = this.ofTarget(t).requests;
    let byStatus = byAction.get(action);
    if (byStatus === undefined) byAction.set(action, (byStatus = new Map<number, Labels>()));
    let l = byStatus.get(status);
    if (l === undefined) byStatus.set(status, (l = this.request(t.model, t.region, t.version, action, status)));
    return l;
  }

  /** Any other small set, keyed by its values in order. */
  of(labels: Labels): Labels {
    let key = '';
    for (const k in labels) key += `${k}\u0000${labels[k]}\u0000`;
    return this.ofKey(key, () => labels);
  }

  private ofTarget(t: Target): TargetLabels {
    let m = this.perTarget.get(t);
    if (m === undefined) {
      m = { target: undefined, attempts: new Map(), reasons: new Map(), requests: new Map() };
      this.perTarget.set(t, m);
    }
    return m;
  }

  private ofKey(key: string, make: () => Labels): Labels {
    let l = this.perKey.get(key);
    if (l === undefined) {
      l = make();
      this.perKey.set(key, l);
    }
    return l;
  }
}
