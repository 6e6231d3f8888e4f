// Markdown tables for bench:router (printed at the end of a run; BENCHMARKS.md quotes them).

export interface SaturationRow {
  backend: string;
  target: string;
  connections: number;
  rpsMedian: number;
  rpsBest: number;
  vsHaproxy: number;
  vsNoProxy: number;
  p50Ms: number;
  p99Ms: number;
  proxyCpuPct: number | null;
  proxyUsPerRequest: number | null;
  /** 1e6 ÷ proxy µs/request: what the proxy would serve with its core to itself. */
  perCoreRps: number | null;
  otherOnProxyCorePct: number | null;
  loadCorePct: number;
}

export interface LatencyRow {
  backend: string;
  target: string;
  basis: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  addedP50Ms: number | null;
  addedP99Ms: number | null;
  okShare: number;
  proxyCpuPct: number | null;
  sendLagP99Ms: number;
}

const dash = (v: number | null): string => (v === null ? '–' : String(v));

export function saturationTable(rows: readonly SaturationRow[]): string {
  const head = '| backends | target | best connections | req/s (median) | req/s (best) | × HAProxy | × no proxy | p50 ms | p99 ms | proxy CPU % | proxy CPU µs/request | req/s per proxy core (1e6 ÷ µs) | other jobs on proxy core % | load core busy % |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.backend} | ${r.target} | ${r.connections} | ${r.rpsMedian} | ${r.rpsBest} | ${r.vsHaproxy} | ${r.vsNoProxy} | ${r.p50Ms} | ${r.p99Ms} | ${dash(r.proxyCpuPct)} | ${dash(r.proxyUsPerRequest)} | ${dash(r.perCoreRps)} | ${dash(r.otherOnProxyCorePct)} | ${r.loadCorePct} |`);
  return [head, sep, ...lines].join('\n');
}

export function latencyTable(rows: readonly LatencyRow[]): string {
  const head = '| backends | target | offered load | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | answered 2xx | proxy CPU % | generator send lag p99 ms |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.backend} | ${r.target} | ${r.basis} | ${r.rps} | ${r.p50Ms} | ${r.p99Ms} | ${dash(r.addedP50Ms)} | ${dash(r.addedP99Ms)} | ${(r.okShare * 100).toFixed(1)} % | ${dash(r.proxyCpuPct)} | ${r.sendLagP99Ms} |`);
  return [head, sep, ...lines].join('\n');
}
