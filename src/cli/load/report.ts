// The load report: counts, statuses, latency and regions, as JSON for scripts and as a few lines
// for people. Built from the records only, so the same function serves `meridian load`, the drill
// and the benchmarks.
import { formatLatLon, type LoadPlan } from './load-flags.js';
import { summarize, type LatencySummary } from './percentiles.js';
import { categoryOf, isOk, latencyOf, type RequestRecord } from './recorder.js';

/** `meridian load --output json`. Times in ms, rounded to 0.1 ms. */
export interface LoadReport {
  router: string;
  model: string;
  rps: number;
  durationS: number;
  /** Client locations the requests rotated over, `LAT,LON`. */
  from: string[];
  country: string | null;
  timeoutMs: number;
  /** floor(rps × duration): what the schedule held. */
  scheduled: number;
  /** Requests actually sent (fewer than scheduled only when the run was stopped early). */
  sent: number;
  /** 2xx responses read to the end. */
  ok: number;
  /** Everything else: non-2xx statuses and client-side errors (timeouts, resets, refusals). */
  failed: number;
  /** By HTTP status (`"200"`, `"503"`) or client-side error (`"timeout"`, `"ECONNREFUSED"`, `"aborted"`). */
  statusCounts: Record<string, number>;
  /** Every request, failures included, from its scheduled send time to its end. */
  latencyMs: LatencySummary;
  /** How late the generator sent requests against the schedule; large values mean this machine could not keep up. */
  sendLagMs: { p99: number | null; max: number | null };
  /** Responses per `Meridian-Region` header (responses without one, e.g. client errors, are not counted). */
  regions: Record<string, number>;
  /** Requests sent per second over the sending period. */
  achievedRps: number;
  /** From the first scheduled send to the end of the last request. */
  elapsedMs: number;
}

/** Rounds to 0.1 ms: finer digits are clock noise, and they make JSON hard to read. */
export function roundMs(ms: number): number;
export function roundMs(ms: number | null): number | null;
export function roundMs(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}

export function roundSummary(s: LatencySummary): LatencySummary {
  return { p50: roundMs(s.p50), p90: roundMs(s.p90), p99: roundMs(s.p99), max: roundMs(s.max) };
}

/** Counts by key, keys in descending order of count then name (stable output for diffs). */
function countBy<T>(items: readonly T[], key: (t: T) => string | null): Record<string, number> {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** The report of a run that scheduled `scheduled` requests and produced `records`. */
export function buildLoadReport(plan: LoadPlan, router: string, scheduled: number, records: readonly RequestRecord[]): LoadReport {
  const ok = records.filter(isOk).length;
  const lags = summarize(records.map((r) => Math.max(0, r.startedAt - r.scheduledAt)));
  // reduce, not Math.max(...array): spreading millions of arguments overflows the stack.
  const first = records.reduce((m, r) => Math.min(m, r.startedAt), Infinity);
  const last = records.reduce((m, r) => Math.max(m, r.startedAt), -Infinity);
  const span = records.length > 1 ? (last - first) / 1000 : 0;
  // n requests evenly spaced over a span cover n − 1 intervals: 300 sends at 50 rps span 5.98 s.
  const achieved = span > 0 ? (records.length - 1) / span : records.length;
  const end = records.reduce((m, r) => Math.max(m, r.finishedAt), 0);
  return {
    router,
    model: plan.model,
    rps: plan.rps,
    durationS: plan.durationS,
    from: plan.from.map(formatLatLon),
    country: plan.country ?? null,
    timeoutMs: plan.timeoutMs,
    scheduled,
    sent: records.length,
    ok,
    failed: records.length - ok,
    statusCounts: countBy(records, categoryOf),
    latencyMs: roundSummary(summarize(records.map(latencyOf))),
    sendLagMs: { p99: roundMs(lags.p99), max: roundMs(lags.max) },
    regions: countBy(records, (r) => r.region),
    achievedRps: Math.round(achieved * 10) / 10,
    elapsedMs: roundMs(end),
  };
}

/** `3.2 ms`, `45 ms`, `1.25 s`; `-` for no value. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** A slower generator than this (p99 send lag) makes the measured latencies partly our own. */
const LAG_WARNING_MS = 10;

/** The human report of `meridian load`. */
export function renderLoadReport(r: LoadReport): string[] {
  const pct = r.sent === 0 ? '' : ` (${((100 * r.failed) / r.sent).toFixed(1)}%)`;
  const l = r.latencyMs;
  const lines = [
    `${r.model} via ${r.router}: ${r.rps} req/s for ${r.durationS} s${r.from.length > 0 ? `, clients at ${r.from.join(' / ')}` : ''}${r.country !== null ? `, country ${r.country}` : ''}`,
    `  requests   ${r.sent} sent of ${r.scheduled} scheduled, ${r.achievedRps} req/s achieved`,
    `  failed     ${r.failed}${pct}`,
    `  statuses   ${formatCounts(r.statusCounts)}`,
    `  latency    p50 ${formatMs(l.p50)}  p90 ${formatMs(l.p90)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}  (from each request's scheduled send time)`,
    `  regions    ${formatCounts(r.regions)}`,
  ];
  if ((r.sendLagMs.p99 ?? 0) > LAG_WARNING_MS) {
    lines.push(`  warning    the generator sent late (p99 ${formatMs(r.sendLagMs.p99)} behind schedule): this machine could not keep up, so part of the latency is ours`);
  }
  return lines;
}
