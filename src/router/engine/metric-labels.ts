// Label sets for the engine's metrics, each built once and reused. The registry finds a series
// from its labels object in a WeakMap when it sees the same object again; a fresh object per
// update means a JSON.stringify of the sorted labels instead, several times per request (the
// profile put the metric updates at ~25–30 µs per request). Targets live as long as their
// routing table (table-views.ts), so their label sets hang off them; the rest are keyed by value.
import type { Target } from './types.js';

type Labels = Record<string, string>;

/** Interned label sets: the same values give the same object. */
export class LabelSets {
  private readonly perTarget = new WeakMap<Target, Map<string, Labels>>();
  private readonly perKey = new Map<string, Labels>();

  /** `{model, region, version}` of the target. */
  target(t: Target): Labels {
    return this.ofTarget(t, '', () => ({ model: t.model, region: t.region, version: t.version }));
  }

  /** An upstream attempt's: `{model, region, version, role, result}`. */
  attempt(t: Target, role: string, result: string): Labels {
    return this.ofTarget(t, `a\u0000${role}\u0000${result}`, () => ({ model: t.model, region: t.region, version: t.version, role, result }));
  }

  /** A retry's or hedge's: `{model, region, reason}` (the region that failed or was slow). */
  reason(t: Target, reason: string): Labels {
    return this.ofTarget(t, `r\u0000${reason}`, () => ({ model: t.model, region: t.region, reason }));
  }

  /** A client request's: `{model, region, version, action, status}`. */
  request(model: string, region: string, version: string, action: string, status: number): Labels {
    return this.ofKey(`${model}\u0000${region}\u0000${version}\u0000${action}\u0000${status}`, () => ({ model, region, version, action, status: String(status) }));
  }

  /** Any other small set, keyed by its values in order. */
  of(labels: Labels): Labels {
    let key = '';
    for (const k in labels) key += `${k}\u0000${labels[k]}\u0000`;
    return this.ofKey(key, () => labels);
  }

  private ofTarget(t: Target, key: string, make: () => Labels): Labels {
    let m = this.perTarget.get(t);
    if (m === undefined) {
      m = new Map();
      this.perTarget.set(t, m);
    }
    let l = m.get(key);
    if (l === undefined) {
      l = make();
      m.set(key, l);
    }
    return l;
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
