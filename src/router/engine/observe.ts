// What every real attempt teaches the engine. It counts the endpoint's outstanding requests (for
// power of two choices) and the region's (against which a silence is judged), feeds passive
// outlier detection, suspicion (a refused connection: nothing listens there; any answer: alive),
// the latency windows behind adaptive timeouts, the RTT estimate and the attempt metric.
// The Observer's three calls bracket one attempt; withObservation makes them a wrapper for stacks
// (mirror copies), and the engine calls them itself around a forwarded attempt, in the same
// promise reaction that reports its outcome (a wrapper's own promise per attempt is a microtask
// more on every answer).
import type { Clock } from '../../core/clock.js';
import type { EngineMetrics } from './engine-metrics.js';
import type { LatencyWindows, LoadTracker, RttEstimator } from './latency.js';
import type { LabelSets } from './metric-labels.js';
import type { OutlierDetector } from './outlier-detector.js';
import type { SuspectEndpoints } from './suspects.js';
import { latencyKeyOf } from './target-strings.js';
import type { Cancel } from './cancel.js';
import type { Interceptor, UpstreamRequest, UpstreamResponse } from './types.js';
import { toUpstreamError, type UpstreamError } from './upstream-error.js';

/** Where observations go. */
export interface ObservationSinks {
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

/** Observes attempts without changing their results: {@link sent}, then {@link answered} or {@link failed}, once each. */
export class Observer {
  constructor(private readonly o: ObservationSinks) {}

  /** The attempt is about to be sent: it counts as in flight. */
  sent(req: UpstreamRequest): void {
    this.o.load.add(req.target.key);
    // Mirrors try a candidate version: its latency must not move the region's timeouts.
    if (req.role !== 'mirror') this.o.regionLoad.add(latencyKeyOf(req.target, req.action));
  }

  /** It answered (any status); `started` and `now` are monotonic ms. */
  answered(req: UpstreamRequest, res: UpstreamResponse, started: number, now: number): void {
    const o = this.o;
    const t = req.target;
    this.done(req);
    o.suspects.alive(t.key, now);
    if (res.status >= 500) this.failure(req, started);
    else {
      o.outliers.success(t.key);
      if (req.role !== 'mirror') o.latency.record(latencyKeyOf(t, req.action), Math.max(0, now - started - 2 * o.delayMs(t.region)), now);
      o.rtt.observe(t.region, now - started);
    }
    o.metrics.attempts.inc(o.labels.attempt(t, req.role, res.status >= 500 ? 'http_5xx' : 'ok'));
  }

  /** It failed with `e`; returns why, the cancel's reason first (toUpstreamError). */
  failed(req: UpstreamRequest, e: unknown, cancel: Cancel, started: number): UpstreamError {
    const o = this.o;
    const t = req.target;
    this.done(req);
    const err = toUpstreamError(e, t.endpoint.id, cancel);
    if (err.reason !== 'aborted') this.failure(req, started);
    if (err.reason === 'refused') o.suspects.mark(t.key);
    // Timeouts in a row with no answer in between make the next per-try timeout longer
    // (adaptive-timeouts.ts), so a model that really became slower everywhere is not timed out
    // forever. Not recorded as latency: a hung replica's timeouts would ratchet the p99 up.
    if (err.reason === 'timeout' && req.role !== 'mirror') o.latency.timedOut(latencyKeyOf(t, req.action), started);
    o.metrics.attempts.inc(o.labels.attempt(t, req.role, err.reason));
    return err;
  }

  private done(req: UpstreamRequest): void {
    this.o.load.remove(req.target.key);
    if (req.role !== 'mirror') this.o.regionLoad.remove(latencyKeyOf(req.target, req.action));
  }

  /** A failed attempt feeds outlier detection; it may eject the endpoint. */
  private failure(req: UpstreamRequest, started: number): void {
    const ms = this.o.outliers.failure(req.target.key, started);
    if (ms !== undefined) this.o.onEjected(req, ms);
  }
}

/** The Observer as an attempt wrapper. */
export function withObservation(observer: Observer, clock: Clock): Interceptor {
  return (next) => (req, cancel) => {
    const started = clock.monotonicMs();
    observer.sent(req);
    let sent: Promise<UpstreamResponse>;
    try {
      sent = next(req, cancel);
    } catch (e) {
      return Promise.reject(observer.failed(req, e, cancel, started));
    }
    return sent.then(
      (res) => {
        observer.answered(req, res, started, clock.monotonicMs());
        return res;
      },
      (e: unknown) => {
        throw observer.failed(req, e, cancel, started);
      },
    );
  };
}
