// Strings derived from a target and an action, built once per routing-table target rather than per
// request: a fresh concatenation is a new string to build and hash in every map it keys, and
// an attempt used its latency key in four maps plus the OIP path. Targets live as long as their
// routing table (table-views.ts), so the strings hang off them in a WeakMap.
import { oipPath, type ForwardAction, type Target } from './types.js';

/** The latency window an attempt belongs to: timeouts adapt per model × region × action. */
export function latencyKey(model: string, region: string, action: ForwardAction): string {
  return `${model}\u0000${region}\u0000${action}`;
}

interface ActionStrings {
  latencyKey: string;
  path: string;
}

type PerAction = Partial<Record<ForwardAction, ActionStrings>>;

const cache = new WeakMap<Target, PerAction>();

function stringsOf(t: Target, action: ForwardAction): ActionStrings {
  let m = cache.get(t);
  if (m === undefined) cache.set(t, (m = {}));
  return (m[action] ??= { latencyKey: latencyKey(t.model, t.region, action), path: oipPath(t.model, t.version, action) });
}

/** {@link latencyKey} of the target's model and region. */
export function latencyKeyOf(t: Target, action: ForwardAction): string {
  return stringsOf(t, action).latencyKey;
}

/** {@link oipPath} of the target's model and version. */
export function oipPathOf(t: Target, action: ForwardAction): string {
  return stringsOf(t, action).path;
}
