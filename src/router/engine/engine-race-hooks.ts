// The engine's side of the race (RaceHooks, race-hooks.ts): where a request goes next (its
// planner), timeouts from the latency measured per region, suspicion, retry and hedge metrics,
// samples of every attempt's outcome, one attempt sent through the observed stack, and the end of
// the request: its promise settled with the response. One long-lived object, built by the engine
// from its collaborators; a request brings only its context (RequestContext).
import type { Clock } from '../../core/clock.js';
import { hedgeDelayMs as adaptiveHedgeDelayMs, perTryTimeoutMs as adaptivePerTryTimeoutMs } from './adaptive-timeouts.js';
import type { Cancel } from './cancel.js';
import type { EngineMetrics } from './engine-metrics.js';
import { raceResponse } from './forward-result.js';
import type { LatencyWindows, LoadTracker } from './latency.js';
import type { LoopLag } from './loop-lag.js';
import type { LabelSets } from './metric-labels.js';
import type { Mirror } from './mirror.js';
import type { Observer } from './observe.js';
import type { AttemptOutcome, AttemptSink, RaceHooks, RaceResult, RaceRole } from './race-hooks.js';
import type { RetryBudget } from './retry-budget.js';
import type { Sampler } from './sampling.js';
import type { EngineSettings } from './settings.js';
import type { SuspectEndpoints } from './suspects.js';
import { upstreamErrorText, type ModelView } from './table-views.js';
import type { Avoid, TargetPlanner } from './target-planner.js';
import { latencyKeyOf, oipPathOf } from './target-strings.js';
import type { Dispatch, ForwardRequest, ForwardResult, Target, UpstreamRequest, UpstreamResponse } from './types.js';
import { toUpstreamError, type FailureReason } from './upstream-error.js';

/** One request as the race's hooks see it. */
export interface RequestContext {
  r: ForwardRequest;
  model: ModelView;
  planner: TargetPlanner;
  /** Monotonic ms. */
  started: number;
  /** Set when the request is sampled for release analysis. */
  sampleId: string | undefined;
  budget: RetryBudget;
  /** The forward() promise's; `ended` once one of them was called. */
  resolve: (r: ForwardResult) => void;
  reject: (e: unknown) => void;
  ended: boolean;
}

/** The engine's collaborators the hooks read and report to. */
export interface EngineHookParts {
  settings: EngineSettings;
  clock: Clock;
  /** Emulated one-way delay from this edge to a region, ms; 0 when emulation is off. */
  networkDelayMs: (region: string) => number;
  latency: LatencyWindows;
  regionLoad: LoadTracker;
  lag: LoopLag;
  suspects: SuspectEndpoints;
  metrics: EngineMetrics;
  labels: LabelSets;
  sampler: Sampler;
  observer: Observer;
  /** The stack under a forwarded attempt, which the hooks observe themselves: emulated delay and transport. */
  forwardStack: Dispatch;
  mirror: Mirror;
}

/** The race's view of the engine, built once. */
export class EngineRaceHooks implements RaceHooks<RequestContext> {
  constructor(private readonly o: EngineHookParts) {}

  next(c: RequestContext, avoid?: Avoid, lastResort?: boolean): Target | undefined {
    return c.planner.next(avoid, lastResort);
  }

  nextHedge(c: RequestContext, slow: Target, avoid?: Avoid): Target | undefined {
    return c.planner.nextOfVersion(slow.version, avoid);
  }

  hedgeDelayMs(c: RequestContext, t: Target): number {
    return adaptiveHedgeDelayMs(this.o.settings, this.o.latency.percentile(latencyKeyOf(t, c.r.action), 0.95), this.o.networkDelayMs(t.region));
  }

  perTryTimeoutMs(c: RequestContext, t: Target, remainingMs: number): number {
    const key = latencyKeyOf(t, c.r.action);
    return adaptivePerTryTimeoutMs(this.o.settings, this.o.latency.percentile(key, 0.99), this.o.latency.timeoutStreak(key), this.o.networkDelayMs(t.region), remainingMs);
  }

  answeredSince(c: RequestContext, t: Target, since: number): boolean {
    return this.o.latency.lastAnswerAt(latencyKeyOf(t, c.r.action)) >= since;
  }

  inFlight(c: RequestContext, t: Target): number {
    return this.o.regionLoad.get(latencyKeyOf(t, c.r.action));
  }

  loopLagMs(): number {
    return this.o.lag.ms();
  }

  onSuspect(t: Target, since: number): void {
    this.o.suspects.markSilent(t.key, since);
  }

  onRetry(t: Target, reason: FailureReason): void {
    this.o.metrics.retries.inc(this.o.labels.reason(t, reason));
  }

  onHedge(t: Target): void {
    this.o.metrics.hedges.inc(this.o.labels.reason(t, 'slow_attempt'));
  }

  onBudgetExhausted(c: RequestContext, role: 'retry' | 'hedge'): void {
    this.o.metrics.budgetExhausted.inc(this.o.labels.of({ model: c.r.model, role }));
  }

  onSettled(c: RequestContext, t: Target, role: RaceRole, out: AttemptOutcome, ms: number, won: boolean): void {
    if (c.sampleId !== undefined) this.o.sampler.attempt(c.sampleId, t, role, out, ms, won, this.o.clock.monotonicMs() - c.started >= this.o.settings.deadlineMs);
  }

  finished(c: RequestContext, result: RaceResult, now: number): void {
    this.end(c, undefined, result, now);
  }

  /** Settles the request's promise, once: with `result`, else with the error. */
  end(c: RequestContext, error: unknown, result?: RaceResult, now?: number): void {
    if (c.ended) return;
    c.ended = true;
    c.budget.requestEnded();
    if (result === undefined) return c.reject(error);
    try {
      c.resolve(raceResponse(this.o.metrics, this.o.labels, c.r, result, now! - c.started));
    } catch (e) {
      c.reject(e);
    }
  }

  /**
   * One attempt, begun at `started`; the race enforces its per-try timeout and the deadline through
   * `cancel`. Observation and the outcome happen in one reaction to the transport's promise.
   */
  attempt(c: RequestContext, t: Target, role: RaceRole, cancel: Cancel, sink: AttemptSink, started: number): void {
    const r = c.r;
    const req: UpstreamRequest = { target: t, role, action: r.action, method: r.method, path: oipPathOf(t, r.action), headers: r.headers, body: r.body };
    const obs = this.o.observer;
    obs.sent(req);
    let sent: Promise<UpstreamResponse> | undefined;
    let thrown: AttemptOutcome | undefined;
    try {
      sent = this.o.forwardStack(req, cancel);
    } catch (e) {
      thrown = this.failedOutcome(req, e, cancel, started, false);
    }
    if (role === 'primary' && r.action === 'infer') {
      const region = c.model.regions.get(t.region);
      // The copy is made after the primary is on the wire, so it never delays it.
      if (region?.mirror !== undefined) setImmediate(() => this.o.mirror.maybeSend(region, r, c.sampleId));
    }
    if (sent === undefined) {
      // Reported as a rejection would be: in a later microtask.
      const out = thrown!;
      return queueMicrotask(() => sink.settle(out, this.o.clock.monotonicMs()));
    }
    sent.then(
      (res) => {
        const now = this.o.clock.monotonicMs();
        let out: AttemptOutcome;
        try {
          obs.answered(req, res, started, now);
          out = res.status >= 500 ? { ok: false, reason: 'http_5xx', status: res.status, message: `${t.endpoint.id} answered ${res.status}${upstreamErrorText(res.body)}` } : { ok: true, response: res, latencyMs: now - started };
        } catch (e) {
          out = this.failedOutcome(req, e, cancel, started, true);
        }
        sink.settle(out, now);
      },
      (e: unknown) => sink.settle(this.failedOutcome(req, e, cancel, started, false), this.o.clock.monotonicMs()),
    );
  }

  /** A failed attempt's outcome; `observed`: the observer already counted its end. */
  private failedOutcome(req: UpstreamRequest, e: unknown, cancel: Cancel, started: number, observed: boolean): AttemptOutcome {
    const err = observed ? toUpstreamError(e, req.target.endpoint.id, cancel) : this.o.observer.failed(req, e, cancel, started);
    return { ok: false, reason: err.reason, message: err.message };
  }
}
