// The outermost attempt wrapper: what every real attempt teaches the engine. It counts the
// endpoint's outstanding requests (for power of two choices) and the region's (against which a
// silence is judged), feeds passive outlier detection, suspicion (a refused connection: nothing
// listens there; any answer: alive), the latency windows behind adaptive timeouts, the RTT
// estimate and the attempt metric.
import type { Clock } from '../../core/clock.js';
import type { EngineMetrics } from './engine-metrics.js';
import type { LatencyWindows, LoadTracker, RttEstimator } from './latency.js';
import type { LabelSets } from './metric-labels.js';
import type { OutlierDetector } from './outlier-detector.js';
import type { SuspectEndpoints } from './suspects.js';
import type { ForwardAction, Interceptor, UpstreamRequest } from './types.js';
import { toUpstreamError } from './upstream-error.js';

/** Where observations go. */
export interface ObservationSinks {
  clock: Clock;
  delayMs: (region: string) => number;
  load: LoadTracker;
  /** Attempts in flight per latency key (model × region × action), mirror copies excluded. */
  regionLoad: LoadTracker;
  outliers: OutlierDetector;
  suspects: SuspectEndpoints;
  latency: LatencyWindows;
  rtt: RttEstimator;
  metrics: EngineMetrics;
  labels: LabelSets;
  /** Called when a failure marks the endpoint as an outlier. */
  onEjected: (req: UpstreamRequest, ms: number) => void;
}

/** The latency window an attempt belongs to: timeouts adapt per model × region × action. */
export function latencyKey(model: string, region: string, action: ForwardAction): string {
  return `${model}\u0000${region}\u0000${action}`;
}

/** Observes each attempt without changing its result. */
export function withObservation(o: ObservationSinks): Interceptor {
  return (next) => async (req, cancel) => {
    const t = req.target;
    const started = o.clock.monotonicMs();
    // Mirrors try a candidate version: its latency must not move the region's timeouts.
    const learnsLatency = req.role !== 'mirror';
    const regionKey = latencyKey(t.model, t.region, req.action);
    o.load.add(t.key);
    if (learnsLatency) o.regionLoad.add(regionKey);
    try {
      const res = await next(req, cancel);
      o.suspects.alive(t.key);
      const now = o.clock.monotonicMs();
      if (res.status >= 500) failed(o, req, started);
      else {
        o.outliers.success(t.key);
        if (learnsLatency) o.latency.record(regionKey, Math.max(0, now - started - 2 * o.delayMs(t.region)), now);
        o.rtt.observe(t.region, now - started);
      }
      o.metrics.attempts.inc(o.labels.attempt(t, req.role, res.status >= 500 ? 'http_5xx' : 'ok'));
      return res;
    } catch (e) {
      const err = toUpstreamError(e, t.endpoint.id, cancel);
      if (err.reason !== 'aborted') failed(o, req, started);
      if (err.reason === 'refused') o.suspects.mark(t.key);
      // Timeouts in a row with no answer in between make the next per-try timeout longer
      // (adaptive-timeouts.ts), so a model that really became slower everywhere is not timed out
      // forever. Not recorded as latency: a hung replica's timeouts would ratchet the p99 up.
      if (err.reason === 'timeout' && learnsLatency) o.latency.timedOut(regionKey, started);
      o.metrics.attempts.inc(o.labels.attempt(t, req.role, err.reason));
      throw err;
    } finally {
      o.load.remove(t.key);
      if (learnsLatency) o.regionLoad.remove(regionKey);
    }
  };
}

/** A failed attempt feeds outlier detection; it may eject the endpoint. */
function failed(o: ObservationSinks, req: UpstreamRequest, started: number): void {
  const ms = o.outliers.failure(req.target.key, started);
  if (ms !== undefined) o.onEjected(req, ms);
}
