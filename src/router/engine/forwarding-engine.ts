// The router's data plane: forwards one OIP request along the policy's region order, choosing a
// version and an endpoint in each region, and survives replicas and regions failing under it.
// This file only wires the pieces, each in its own file:
//   attempt stack   observe → hard timeout → network delay → transport      (compose.ts)
//   request policy  retries, hedges, per-try timeouts, budget, deadline     (attempt-race.ts)
//   where to go     region order → version → power of two choices          (target-planner.ts)
//   health          active probes (health-checker.ts) + passive outliers   (outlier-detector.ts)
//                   + suspicion after a refusal or a silent timeout       (suspects.ts)
//   side channels   mirroring (mirror.ts), output samples, metrics
import { systemClock, type Clock } from '../../core/clock.js';
import { MeridianError, httpStatusOf } from '../../core/errors.js';
import type { RoutingRegion, RoutingTable } from '../../core/routing-table.js';
import type { Registry } from '../../monitor/prometheus.js';
import { hedgeDelayMs, perTryTimeoutMs } from './adaptive-timeouts.js';
import { race, type AttemptOutcome, type RaceResult, type RaceRole } from './attempt-race.js';
import { compose } from './compose.js';
import { createEngineMetrics, type EngineMetrics } from './engine-metrics.js';
import { HealthChecker } from './health-checker.js';
import { LatencyWindows, LoadTracker, RttEstimator } from './latency.js';
import { Mirror } from './mirror.js';
import { withNetworkDelay } from './network-delay.js';
import { latencyKey, withObservation } from './observe.js';
import { OutlierDetector } from './outlier-detector.js';
import { OutputSamples, sampleOutputs } from './output-samples.js';
import { withTimeout } from './hard-timeout.js';
import { RetryBudget } from './retry-budget.js';
import { resolveEngineSettings, type EngineSettings } from './settings.js';
import { SuspectEndpoints } from './suspects.js';
import { TargetPlanner } from './target-planner.js';
import { createTransport, type Transport } from './transport.js';
import { oipPath, type Dispatch, type ForwardRequest, type ForwardResult, type OutputSample, type Target, type UpstreamResponse } from './types.js';
import { toUpstreamError } from './upstream-error.js';
import { allTargets, regionKeys, upstreamErrorText } from './table-views.js';

/** What the engine is built from (STYLE #2: collaborators come in as arguments). */
export interface EngineOptions {
  /** The latest routing table; read on every request and every health round. */
  table: () => RoutingTable;
  /** Emulated one-way delay from this edge to a region, ms; 0 when emulation is off. */
  networkDelayMs: (region: string) => number;
  /** Where the engine registers its metrics (once per registry). */
  registry: Registry;
  clock?: Clock;
  /** Overrides of {@link ENGINE_DEFAULTS}. */
  options?: Partial<EngineSettings>;
  /** Uniform [0, 1) for version draws, endpoint picks, mirroring and sampling; Math.random by default. */
  random?: () => number;
}

/** Forwards OIP requests to regions with health checks, outlier detection, retries, hedging and mirroring. */
export class ForwardingEngine {
  private readonly s: EngineSettings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly metrics: EngineMetrics;
  private readonly transport: Transport;
  private readonly load = new LoadTracker();
  private readonly regionLoad = new LoadTracker();
  private readonly suspects: SuspectEndpoints;
  private readonly outliers: OutlierDetector;
  private readonly latency: LatencyWindows;
  private readonly rtt: RttEstimator;
  private readonly outputs: OutputSamples;
  private readonly budgets = new Map<string, RetryBudget>();
  private readonly dispatch: Dispatch;
  private readonly health: HealthChecker;
  private readonly mirror: Mirror;

  /** @throws MeridianError `INVALID_ARGUMENT` when an option is out of range. */
  constructor(private readonly o: EngineOptions) {
    const s = (this.s = resolveEngineSettings(o.options));
    const clock = (this.clock = o.clock ?? systemClock);
    this.random = o.random ?? Math.random;
    this.metrics = createEngineMetrics(o.registry);
    this.transport = createTransport(s.maxResponseBytes);
    this.outliers = new OutlierDetector(s, clock);
    this.suspects = new SuspectEndpoints(s.suspectMs, clock);
    this.latency = new LatencyWindows(s.latencyWindow, s.latencyMinSamples);
    this.rtt = new RttEstimator(s.rttSmoothing);
    this.outputs = new OutputSamples(s.sampleCapacity);
    const timed = compose(this.transport.dispatch, withTimeout(clock), withNetworkDelay(o.networkDelayMs, clock));
    const observe = withObservation({
      clock,
      delayMs: o.networkDelayMs,
      load: this.load,
      regionLoad: this.regionLoad,
      outliers: this.outliers,
      suspects: this.suspects,
      latency: this.latency,
      rtt: this.rtt,
      metrics: this.metrics,
      onEjected: (r) => this.metrics.ejections.inc({ model: r.target.model, region: r.target.region, version: r.target.version }),
    });
    // Probes use the stack without observation: they are not traffic (health-checker.ts).
    this.dispatch = compose(timed, observe);
    this.health = new HealthChecker({
      targets: () => allTargets(o.table()),
      dispatch: timed,
      delayMs: o.networkDelayMs,
      clock,
      settings: s,
      onRtt: (region, ms) => this.rtt.observe(region, ms),
      onChange: (t, up) => this.metrics.endpointHealthy.set({ model: t.model, region: t.region, version: t.version, endpoint: t.endpoint.id }, up ? 1 : 0),
      onPass: (t) => this.suspects.alive(t.key),
      onRecovered: (t) => this.outliers.unmark(t.key),
      onRound: (keys) => {
        this.outliers.retain(keys);
        this.suspects.retain(keys);
      },
    });
    this.mirror = new Mirror({
      dispatch: this.dispatch,
      maxInFlight: s.mirrorMaxInFlight,
      random: this.random,
      monotonicMs: () => clock.monotonicMs(),
      endpointUsable: (t) => this.endpointUsable(t, true) && !this.suspects.isSuspect(t.key),
      outstanding: (k) => this.load.get(k),
      timeoutMs: (t) => this.perTryMs(t, 'infer', s.deadlineMs),
      metrics: this.metrics,
      onAnswer: (t, res, ms) => this.sample(t, res, ms, true),
    });
  }

  /** Begins active health checks of every endpoint in the current table; later rounds follow table changes. */
  start(): void {
    this.health.start();
  }

  /** Stops health checks and mirror copies and closes pooled connections. Call after the server stopped forwarding. */
  async stop(): Promise<void> {
    await this.health.stop();
    await this.mirror.stop();
    this.transport.close();
  }

  /** False when every endpoint of the region's served versions is down (active checks), failing (passive) or suspect (it just refused, or went silent). */
  regionHealthy(model: string, region: string): boolean {
    return regionKeys(this.o.table(), model, region, false).some((k) => this.health.healthy(k) && !this.outliers.isMarked(k) && !this.suspects.isSuspect(k));
  }

  /** Some endpoint of the region is up and not failing; suspect ones count (the planner tries them last). */
  private regionUp(model: string, region: string): boolean {
    return regionKeys(this.o.table(), model, region, false).some((k) => this.health.healthy(k) && !this.outliers.isMarked(k));
  }

  /** Smoothed RTT from this edge to the region (probes and real requests), ms; undefined until measured. */
  rttMs(region: string): number | undefined {
    return this.rtt.get(region);
  }

  /** Recent output samples of the model, every region × version, mirror copies flagged. */
  samples(model: string): OutputSample[] {
    return this.outputs.list(model);
  }

  /**
   * Forwards one request. Upstream failures never throw: when every attempt failed the result is
   * a 503 (`UPSTREAM_UNAVAILABLE`) or 504 (`DEADLINE_EXCEEDED`) with an OIP error body naming
   * what failed.
   * @throws MeridianError `MODEL_NOT_FOUND` when no listed region serves the model (or the explicit version).
   */
  async forward(r: ForwardRequest): Promise<ForwardResult> {
    const entry = this.o.table().models[r.model];
    const planner = new TargetPlanner({
      model: r.model,
      regions: entry?.regions ?? [],
      regionOrder: r.regionOrder,
      headers: r.headers,
      random: this.random,
      regionUsable: (region) => this.regionUp(r.model, region),
      endpointUsable: (t) => this.endpointUsable(t, false),
      suspect: (t) => this.suspects.isSuspect(t.key),
      outstanding: (k) => this.load.get(k),
      ...(r.version !== undefined ? { version: r.version } : {}),
    });
    if (!planner.servable) {
      const what = r.version !== undefined ? `model "${r.model}" version "${r.version}"` : `model "${r.model}"`;
      throw new MeridianError('MODEL_NOT_FOUND', `${what} is not served in any of the regions [${r.regionOrder.join(', ')}]; check the routing table and the model's residency`);
    }
    const budget = this.budgetOf(r.model);
    const started = this.clock.monotonicMs();
    budget.requestStarted();
    try {
      const result = await race({
        next: (avoid, lastResort) => planner.next(avoid, lastResort),
        nextHedge: (slow, avoid) => planner.nextOfVersion(slow.version, avoid),
        attempt: (t, role, signal) => {
          const attempt = this.attempt(r, t, role, signal);
          // The copy is made after the primary is on the wire, so it never delays it.
          if (role === 'primary') setImmediate(() => this.mirrorOf(entry?.regions, t, r));
          return attempt;
        },
        budget,
        hedgeDelayMs: (t) => hedgeDelayMs(this.s, this.latency.percentile(latencyKey(t.model, t.region, r.action), 0.95), this.o.networkDelayMs(t.region)),
        perTryTimeoutMs: (t, remaining) => this.perTryMs(t, r.action, remaining),
        answeredSince: (t, since) => this.latency.lastAnswerAt(latencyKey(t.model, t.region, r.action)) >= since,
        inFlight: (t) => this.regionLoad.get(latencyKey(t.model, t.region, r.action)),
        recheckMs: this.s.budgetRecheckMs,
        maxHedges: this.s.maxHedges,
        deadlineMs: this.s.deadlineMs,
        clock: this.clock,
        onSuspect: (t, since) => this.suspects.markSilent(t.key, since),
        onRetry: (t, reason) => this.metrics.retries.inc({ model: t.model, region: t.region, reason }),
        onHedge: (t) => this.metrics.hedges.inc({ model: t.model, region: t.region, reason: 'slow_attempt' }),
        onBudgetExhausted: (role) => this.metrics.budgetExhausted.inc({ model: r.model, role }),
        ...(r.signal !== undefined ? { signal: r.signal } : {}),
      });
      return this.result(r, result, this.clock.monotonicMs() - started);
    } finally {
      budget.requestEnded();
    }
  }

  /** One attempt; the race enforces its per-try timeout and the deadline by aborting `signal`. */
  private async attempt(r: ForwardRequest, t: Target, role: RaceRole, signal: AbortSignal): Promise<AttemptOutcome> {
    const started = this.clock.monotonicMs();
    try {
      const req = { target: t, role, action: r.action, method: r.method, path: oipPath(r.model, t.version, r.action), headers: r.headers, body: r.body };
      const res = await this.dispatch(req, signal);
      if (res.status >= 500) return { ok: false, reason: 'http_5xx', message: `${t.endpoint.id} answered ${res.status}${upstreamErrorText(res.body)}` };
      return { ok: true, response: res, latencyMs: this.clock.monotonicMs() - started };
    } catch (e) {
      const err = toUpstreamError(e, t.endpoint.id);
      return { ok: false, reason: err.reason, message: err.message };
    }
  }

  private perTryMs(t: Target, action: ForwardRequest['action'], remainingMs: number): number {
    const key = latencyKey(t.model, t.region, action);
    return perTryTimeoutMs(this.s, this.latency.percentile(key, 0.99), this.latency.timeoutStreak(key), this.o.networkDelayMs(t.region), remainingMs);
  }

  private result(r: ForwardRequest, res: RaceResult, ms: number): ForwardResult {
    const region = res.ok ? res.target.region : (res.last?.region ?? '');
    const version = res.ok ? res.target.version : (res.last?.version ?? '');
    const common = { region, version, endpointId: (res.ok ? res.target : res.last)?.endpoint.id ?? '', attempts: res.attempts, hedged: res.hedged };
    const status = res.ok ? res.response.status : httpStatusOf(res.code);
    this.metrics.requests.inc({ model: r.model, region, version, action: r.action, status: String(status) });
    if (r.action === 'infer') this.metrics.requestDuration.observe({ model: r.model, region, version }, ms / 1000);
    if (res.ok) {
      if (r.action === 'infer') this.sample(res.target, res.response, res.latencyMs, false);
      return { status, headers: res.response.headers, body: res.response.body, ...common };
    }
    const body = Buffer.from(JSON.stringify({ error: `model "${r.model}": ${res.message}` }));
    return { status, headers: { 'content-type': 'application/json' }, body, errorCode: res.code, ...common };
  }

  private sample(t: Target, res: UpstreamResponse, latencyMs: number, mirror: boolean): void {
    if (this.s.sampleRate < 1 && this.random() >= this.s.sampleRate) return;
    const outputs = res.status === 200 ? sampleOutputs(res.body, this.s.sampleValuesPerOutput) : [];
    this.outputs.record(t.model, { region: t.region, version: t.version, time: this.clock.now(), latencyMs, status: res.status, outputs, mirror });
  }

  private endpointUsable(t: Target, mirror: boolean): boolean {
    return this.health.healthy(t.key) && !this.outliers.isEjected(t.key, regionKeys(this.o.table(), t.model, t.region, mirror));
  }

  private mirrorOf(regions: readonly RoutingRegion[] | undefined, t: Target, r: ForwardRequest): void {
    const region = regions?.find((x) => x.region === t.region);
    if (region !== undefined) this.mirror.maybeSend(region, r);
  }

  private budgetOf(model: string): RetryBudget {
    let b = this.budgets.get(model);
    if (b === undefined) {
      b = new RetryBudget(this.s.retryBudgetPercent, this.s.retryBudgetMinConcurrent);
      this.budgets.set(model, b);
    }
    return b;
  }
}
