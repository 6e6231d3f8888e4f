// The router's own counters around a run (GET /metrics): upstream attempts by role and result,
// hedges, retries and budget refusals. They say how many upstream requests each client request
// cost, which matters as much as CPU per request when the router is the bottleneck.

export type Counters = Record<string, number>;

/** Counter families summed over every label except the ones named in `by` (`family{role=…,result=…}`). */
const FAMILIES: Record<string, string[]> = {
  meridian_router_requests_total: ['status'],
  meridian_router_upstream_attempts_total: ['role', 'result'],
  meridian_router_hedges_total: [],
  meridian_router_retries_total: ['reason'],
  meridian_router_retry_budget_exhausted_total: ['role'],
};

function parse(text: string): Counters {
  const out: Counters = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? ([0-9.eE+-]+)$/.exec(line);
    if (m === null) continue;
    const by = FAMILIES[m[1]!];
    if (by === undefined) continue;
    const labels = new Map([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    const key = by.length === 0 ? m[1]! : `${m[1]!}{${by.map((b) => `${b}=${labels.get(b) ?? ''}`).join(',')}}`;
    out[key] = (out[key] ?? 0) + Number(m[3]);
  }
  return out;
}

/** Reads the router's counters; {} when it does not answer (never fails a run). */
export async function routerCounters(port: number): Promise<Counters> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    return parse(await r.text());
  } catch {
    return {};
  }
}

/** after − before, zero entries dropped. */
export function counterDelta(before: Counters, after: Counters): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
