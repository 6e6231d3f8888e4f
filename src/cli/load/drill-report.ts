// The outage drill's report: the failover figures first, the full load report underneath. The
// JSON is what `bench:failover` reads, so its field names are a contract: add, never rename.
import { analyseDrill, type DrillAnalysis } from './drill-analysis.js';
import type { PreparedLoad } from './load-run.js';
import type { OutageDrillResult } from './outage-drill.js';
import { buildLoadReport, formatMs, renderLoadReport, roundMs, type LoadReport } from './report.js';

/** `meridian drill outage --output json`. Times in ms since the load started, rounded to 0.1 ms. */
export interface DrillReport extends DrillAnalysis {
  model: string;
  region: string;
  mode: 'kill' | 'freeze';
  rps: number;
  durationS: number;
  warmupS: number;
  restoreAfterS: number;
  from: string[];
  country: string | null;
  replicasAffected: number;
  timeline: {
    failRequestedAtMs: number;
    failedAtMs: number;
    restoreRequestedAtMs: number | null;
    restoredAtMs: number | null;
    sendEndMs: number;
  };
  /** Conditions that make the figures mean less than they seem (e.g. the region had no traffic to lose). */
  warnings: string[];
  load: LoadReport;
}

/** Below this share of warm-up traffic on the region, the drill did not test losing a busy region. */
const MIN_WARMUP_SHARE = 0.5;

export function buildDrillReport(p: PreparedLoad, o: { region: string; mode: 'kill' | 'freeze'; warmupS: number; restoreAfterS: number; otherRegions: string[] }, res: OutageDrillResult): DrillReport {
  const a = analyseDrill(res.records, o.region, res.times);
  const warnings: string[] = [];
  if (o.otherRegions.length === 0) warnings.push(`${p.plan.model} runs only in ${o.region}: there was no region to fail over to`);
  if (a.warmupShare !== null && a.warmupShare < MIN_WARMUP_SHARE) {
    warnings.push(`during the warm-up ${o.region} served only ${Math.round(a.warmupShare * 100)}% of requests, so the drill did not test losing the preferred region; set --from nearer to it, or the model's routing policy (meridian traffic)`);
  }
  const load = buildLoadReport(p.plan, p.router, res.scheduled, res.records);
  if ((load.sendLagMs.p99 ?? 0) > 10) warnings.push(`the load generator fell behind its schedule (send lag p99 ${formatMs(load.sendLagMs.p99)}); latencies include its own delay`);
  return {
    model: p.plan.model,
    region: o.region,
    mode: o.mode,
    rps: p.plan.rps,
    durationS: p.plan.durationS,
    warmupS: o.warmupS,
    restoreAfterS: o.restoreAfterS,
    from: load.from,
    country: load.country,
    replicasAffected: res.replicasAffected,
    timeline: {
      failRequestedAtMs: roundMs(res.times.failStart),
      failedAtMs: roundMs(res.times.failDone),
      restoreRequestedAtMs: roundMs(res.times.restoreStart),
      restoredAtMs: roundMs(res.restoreDone),
      sendEndMs: roundMs(res.times.sendEnd),
    },
    ...a,
    warmupShare: a.warmupShare === null ? null : Math.round(a.warmupShare * 1000) / 1000,
    timeToStopSendingMs: roundMs(a.timeToStopSendingMs),
    timeToAllElsewhereMs: roundMs(a.timeToAllElsewhereMs),
    baselineLatencyMs: { p50: roundMs(a.baselineLatencyMs.p50), p99: roundMs(a.baselineLatencyMs.p99) },
    outageLatencyMs: { p50: roundMs(a.outageLatencyMs.p50), p99: roundMs(a.outageLatencyMs.p99) },
    outageFirst2sP99Ms: roundMs(a.outageFirst2sP99Ms),
    timeToReturnMs: roundMs(a.timeToReturnMs),
    warnings,
    load,
  };
}

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);

/** The human report: the failover figures, then the load report. */
export function renderDrillReport(r: DrillReport): string[] {
  const did = r.mode === 'kill' ? 'killed' : 'froze';
  const phases = r.failedByPhase;
  return [
    `Drill: ${did} ${r.region} (${r.replicasAffected} replica(s)) at ${seconds(r.timeline.failedAtMs)}, restore asked at ${seconds(r.timeline.restoreRequestedAtMs)}; ${r.rps} req/s of ${r.model} for ${r.durationS} s`,
    `  failed requests        ${r.failedRequests} of ${r.totalRequests} (${phases.beforeFailure} before the failure, ${phases.outage} during the outage, ${phases.afterRestore} after the restore)`,
    `  router stopped sending ${formatMs(r.timeToStopSendingMs)} after the failure`,
    `  all traffic elsewhere  ${r.timeToAllElsewhereMs === null ? 'never' : `${formatMs(r.timeToAllElsewhereMs)} after the failure (${r.windowMs} ms windows)`}`,
    `  latency                before p50 ${formatMs(r.baselineLatencyMs.p50)} p99 ${formatMs(r.baselineLatencyMs.p99)}; outage p50 ${formatMs(r.outageLatencyMs.p50)} p99 ${formatMs(r.outageLatencyMs.p99)}; first 2 s p99 ${formatMs(r.outageFirst2sP99Ms)}`,
    `  traffic returned       ${r.timeToReturnMs === null ? 'never (before the end of the load)' : `${formatMs(r.timeToReturnMs)} after the restore`}`,
    ...r.warnings.map((w) => `  warning: ${w}`),
    '',
    ...renderLoadReport(r.load),
  ];
}
