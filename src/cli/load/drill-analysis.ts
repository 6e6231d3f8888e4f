// What a failure drill measured, computed afterwards from every request's timeline and the times
// the region was failed and restored. Pure: the same records always give the same numbers, so the
// definitions below can be tested without breaking anything.
import { percentile, sortedAscending } from './percentiles.js';
import { isOk, latencyOf, type RequestRecord } from './recorder.js';

/**
 * When the drill acted, in ms on the load run's clock. Each action has two times because an API
 * call takes a while and the failure lands somewhere inside it: the region is certainly broken
 * only from `failDone`, and may already be broken from `failStart`.
 */
export interface DrillTimes {
  /** The failure (kill/freeze) was asked for. */
  failStart: number;
  /** The control plane confirmed it: every replica of the region had been signalled. */
  failDone: number;
  /** The restore was asked for (the region may serve again from here on); null if never. */
  restoreStart: number | null;
  /** When sending ended (the scheduled duration): the outage window ends here without a restore. */
  sendEnd: number;
}

export interface DrillAnalysis {
  totalRequests: number;
  /** Non-2xx responses and client-side errors, over the whole run. */
  failedRequests: number;
  /**
   * The same, by phase: before = finished before failStart; outage = the rest of those scheduled
   * before the restore (so a request in flight when the region broke counts as the outage's);
   * after = scheduled from restoreStart on.
   */
  failedByPhase: { beforeFailure: number; outage: number; afterRestore: number };
  /** Share of the requests before the failure that the region served: near 1 means the drill tested a real failover. */
  warmupShare: number | null;
  /**
   * The last request the failed region answered among those sent after failDone (and before the
   * restore), as its start time minus failDone: how long the router kept sending there. 0 if none.
   */
  timeToStopSendingMs: number;
  /**
   * From failDone to the start of the first `windowMs` window after which, until the restore,
   * every request was answered successfully by another region; null if that never happened (or no
   * request was sent in the outage). A failed request counts as not elsewhere: a router that
   * answers 503 has not moved the traffic anywhere.
   */
  timeToAllElsewhereMs: number | null;
  windowMs: number;
  /** Latency (from the scheduled send time) of the requests before the failure (phase before). */
  baselineLatencyMs: { p50: number | null; p99: number | null };
  /** Latency of the outage phase's requests, failures included: those in flight when the region broke too. */
  outageLatencyMs: { p50: number | null; p99: number | null };
  /** p99 of the outage requests scheduled before failStart + 2 s (the detection period). */
  outageFirst2sP99Ms: number | null;
  /** The first request the region answered successfully among those started after restoreStart, minus restoreStart; null: never. */
  timeToReturnMs: number | null;
}

/** Buckets for "all traffic elsewhere": 100 ms holds 5 requests at 50 rps, one at 10 rps. */
export const DEFAULT_WINDOW_MS = 100;
/** The detection period whose tail the drill reports on its own. */
const FIRST_PERIOD_MS = 2000;

function p50p99(records: readonly RequestRecord[]): { p50: number | null; p99: number | null } {
  const s = sortedAscending(records.map(latencyOf));
  return { p50: percentile(s, 50) ?? null, p99: percentile(s, 99) ?? null };
}

/** See DrillAnalysis for what each number means. */
export function analyseDrill(records: readonly RequestRecord[], region: string, t: DrillTimes, windowMs = DEFAULT_WINDOW_MS): DrillAnalysis {
  const outageEnd = t.restoreStart ?? t.sendEnd;
  // Phases partition the records. A request in flight when the failure was asked belongs to the
  // outage: it is the one a hung region hurts most, and the baseline must not carry its latency.
  const before = records.filter((r) => r.finishedAt < t.failStart);
  const outage = records.filter((r) => r.finishedAt >= t.failStart && r.scheduledAt < outageEnd);
  const after = records.filter((r) => r.finishedAt >= t.failStart && r.scheduledAt >= outageEnd);
  const failed = (rs: readonly RequestRecord[]): number => rs.filter((r) => !isOk(r)).length;

  // Started while the region was certainly down: the requests the router had to send elsewhere.
  const whileDown = records.filter((r) => r.startedAt >= t.failDone && r.startedAt < outageEnd);
  const stillThere = whileDown.filter((r) => r.region === region);
  const timeToStopSendingMs = stillThere.reduce((m, r) => Math.max(m, r.startedAt - t.failDone), 0);

  let timeToAllElsewhereMs: number | null = null;
  if (whileDown.length > 0) {
    const lastBad = whileDown.filter((r) => r.region === region || !isOk(r)).reduce((m, r) => Math.max(m, Math.floor((r.startedAt - t.failDone) / windowMs)), -1);
    const clearFrom = (lastBad + 1) * windowMs;
    timeToAllElsewhereMs = clearFrom < outageEnd - t.failDone ? clearFrom : null;
  }

  const firstPeriod = outage.filter((r) => r.scheduledAt < t.failStart + FIRST_PERIOD_MS);
  const returned = t.restoreStart === null ? [] : records.filter((r) => r.region === region && isOk(r) && r.startedAt >= (t.restoreStart ?? 0));
  const firstBack = returned.reduce((m, r) => Math.min(m, r.startedAt), Infinity);

  return {
    totalRequests: records.length,
    failedRequests: failed(records),
    failedByPhase: { beforeFailure: failed(before), outage: failed(outage), afterRestore: failed(after) },
    warmupShare: before.length === 0 ? null : before.filter((r) => r.region === region).length / before.length,
    timeToStopSendingMs,
    timeToAllElsewhereMs,
    windowMs,
    baselineLatencyMs: p50p99(before),
    outageLatencyMs: p50p99(outage),
    outageFirst2sP99Ms: p50p99(firstPeriod).p99,
    timeToReturnMs: t.restoreStart === null || firstBack === Infinity ? null : firstBack - t.restoreStart,
  };
}
