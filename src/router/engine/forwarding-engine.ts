// The router's data plane: forwards one OIP request along the policy's region order, choosing a
// version and an endpoint in each region, and survives replicas and regions failing under it.
// This file only wires the pieces, each in its own file:
//   attempt stack   observe → hard timeout → network delay → transport      (compose.ts)
//   request policy  retries, hedges, per-try timeouts, budget, deadline     (attempt-race.ts)
//                   under it, the bookkeeping: attempts in flight, result   (race-attempts.ts)
//   race hooks      the race's view of the engine: next target, timeouts,   (engine-race-hooks.ts)
//                   one attempt sent and observed, the request's end
//   responses       a race's result or a shed request as a ForwardResult    (forward-result.ts)
//   where to go     region order → version → power of two choices          (target-planner.ts)
//   health          active probes (health-checker.ts) + passive outliers   (outlier-detector.ts)
//                   + suspicion after a refusal or a silent timeout       (suspects.ts)
//   overload        the event loop's own lag: no hedges, load shedding    (loop-lag.ts)
//   side channels   mirroring (mirror.ts), samples (sampling.ts), metrics
// What only changes with the routing table (targets, keys, versions) is computed once per table
// (table-views.ts), strings per target and action once per target (target-strings.ts); per
// request the engine allocates one context, one planner and one race, reads the clock twice (start
// and answer) and resolves one promise, in the reaction to the upstream's answer.
import { systemClock, type Clock } from '../../core/clock.js';
import { MeridianError } from '../../core/errors.js';
import type { RoutingTable } from '../../core/routing-table.js';
import type { Registry } from '../../monitor/prometheus.js';
import { race } from './attempt-race.js';
import type { RaceSettings } from './race-hooks.js';
import { compose } from './compose.js';
import { createEngineMetrics, type EngineMetrics } from './engine-metrics.js';
import { EngineRaceHooks, type RequestContext } from './engine-race-hooks.js';
import { shedResponse } from './forward-result.js';
import { withTimeout } from './hard-timeout.js';
import { HealthChecker } from './health-checker.js';
import { LatencyWindows, LoadTracker, RttEstimator } from './latency.js';
import { LoopLag } from './loop-lag.js';
import { LabelSets } from './metric-labels.js';
import { Mirror } from './mirror.js';
import { withNetworkDelay } from './network-delay.js';
import { Observer, withObservation } from './observe.js';
import { OutlierDetector } from './outlier-detector.js';
import { OutputSamples } from './output-samples.js';
import { RetryBudget } from './retry-budget.js';
import { Sampler } from './sampling.js';
import { resolveEngineSettings, type EngineSettings } from './settings.js';
import { SuspectEndpoints } from './suspects.js';
import { viewOf, type RegionView } from './table-views.js';
import { TargetPlanner, plannedRegions, type PlannerHealth } from './target-planner.js';
import { timersFor } from './timers.js';
import { createTransport, type Transport } from './transport.js';
import type { Dispatch, ForwardRequest, ForwardResult, OutputSample, Target } from './types.js';

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
  /** Starts every sampled request's id; by default this process's id and a random tag, so routers' ids do not collide. */
  requestIdPrefix?: string;
}

/** Forwards OIP requests to regions with health checks, outlier detection, retries, hedging and mirroring. */
export class ForwardingEngine {
  private readonly s: EngineSettings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly metrics: EngineMetrics;
  private readonly labels = new LabelSets();
  private readonly transport: Transport;
  private readonly load = new LoadTracker();
  private readonly regionLoad = new LoadTracker();
  private readonly suspects: SuspectEndpoints;
  private readonly outliers: OutlierDetector;
  private readonly latency: LatencyWindows;
  private readonly rtt: RttEstimator;
  private readonly outputs: OutputSamples;
  private readonly sampler: Sampler;
  private readonly lag: LoopLag;
  private readonly budgets = new Map<string, RetryBudget>();
  private readonly dispatch: Dispatch;
  private readonly health: HealthChecker;
  private readonly mirror: Mirror;
  private readonly raceSettings: RaceSettings;
  private readonly hooks: EngineRaceHooks;
  private readonly plannerHealth: PlannerHealth;

  /** @throws MeridianError `INVALID_ARGUMENT` when an option is out of range. */
  constructor(private readonly o: EngineOptions) {
    const s = (this.s = resolveEngineSettings(o.options));
    const clock = (this.clock = o.clock ?? systemClock);
    const timers = timersFor(clock);
    this.random = o.random ?? Math.random;
    this.metrics = createEngineMetrics(o.registry);
    this.transport = createTransport(s.maxResponseBytes);
    this.outliers = new OutlierDetector(s, clock);
    this.suspects = new SuspectEndpoints(s.suspectMs, clock);
    this.latency = new LatencyWindows(s.latencyWindow, s.latencyMinSamples);
    this.rtt = new RttEstimator(s.rttSmoothing);
    this.outputs = new OutputSamples(s.sampleCapacity, () => clock.now());
    this.sampler = new Sampler({
      store: this.outputs,
      sampleRate: s.sampleRate,
      sampleValuesPerOutput: s.sampleValuesPerOutput,
      random: this.random,
      idPrefix: o.requestIdPrefix ?? `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}-`,
    });
    this.lag = new LoopLag(LAG_TICK_MS, () => clock.monotonicMs());
    // Forwarded attempts never carry a hard timeout (the race times them): their stack has no such layer.
    const forwardStack = compose(this.transport.dispatch, withNetworkDelay(o.networkDelayMs, timers));
    const timed = compose(this.transport.dispatch, withTimeout(timers), withNetworkDelay(o.networkDelayMs, timers));
    const observer = new Observer({
      delayMs: o.networkDelayMs,
      load: this.load,
      regionLoad: this.regionLoad,
      outliers: this.outliers,
      suspects: this.suspects,
      latency: this.latency,
      rtt: this.rtt,
      metrics: this.metrics,
      labels: this.labels,
      onEjected: (r) => this.metrics.ejections.inc(this.labels.target(r.target)),
    });
    // Probes use the stack without observation: they are not traffic (health-checker.ts).
    this.dispatch = compose(timed, withObservation(observer, clock));
    this.health = new HealthChecker({
      targets: () => viewOf(o.table()).targets,
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
      endpointUsable: (t, region) => this.endpointUsable(t, region.mirror?.keys ?? []) && !this.suspects.isSuspect(t.key),
      outstanding: (k) => this.load.get(k),
      timeoutMs: () => s.mirrorTimeoutMs,
      metrics: this.metrics,
      labels: this.labels,
      onOutcome: (t, outcome, ms, id) => {
        if (id !== undefined) this.sampler.mirror(id, t, outcome, ms);
      },
    });
    this.plannerHealth = {
      regionUsable: (_model, region) => this.regionUp(region),
      endpointUsable: (t, region) => this.endpointUsable(t, region.keys),
      suspect: (t) => this.suspects.isSuspect(t.key),
      outstanding: (k) => this.load.get(k),
      random: this.random,
    };
    this.raceSettings = { recheckMs: s.budgetRecheckMs, maxHedges: s.maxHedges, deadlineMs: s.deadlineMs, overloadLagMs: s.overloadLagMs, monotonicMs: () => clock.monotonicMs(), timers };
    this.hooks = new EngineRaceHooks({
      settings: s,
      clock,
      networkDelayMs: o.networkDelayMs,
      latency: this.latency,
      regionLoad: this.regionLoad,
      lag: this.lag,
      suspects: this.suspects,
      metrics: this.metrics,
      labels: this.labels,
      sampler: this.sampler,
      observer,
      forwardStack,
      mirror: this.mirror,
    });
  }

  /** Begins active health checks of every endpoint in the current table (later rounds follow table changes) and the event-loop lag measurement behind overload protection. */
  start(): void {
    this.health.start();
    this.lag.start();
  }

  /** Stops health checks and mirror copies and closes pooled connections. Call after the server stopped forwarding. */
  async stop(): Promise<void> {
    this.lag.stop();
    await this.health.stop();
    await this.mirror.stop();
    this.transport.close();
  }

  /** False when every endpoint of the region's served versions is down (active checks), failing (passive) or suspect (it just refused, or went silent). */
  regionHealthy(model: string, region: string): boolean {
    const r = viewOf(this.o.table()).models.get(model)?.regions.get(region);
    if (r === undefined) return false;
    for (const k of r.keys) if (this.health.healthy(k) && !this.outliers.isMarked(k) && !this.suspects.isSuspect(k)) return true;
    return false;
  }

  /** Some endpoint of the region is up and not failing; suspect ones count (the planner tries them last). */
  private regionUp(r: RegionView): boolean {
    for (const k of r.keys) if (this.health.healthy(k) && !this.outliers.isMarked(k)) return true;
    return false;
  }

  /** Smoothed RTT from this edge to the region (probes and real requests), ms; undefined until measured. */
  rttMs(region: string): number | undefined {
    return this.rtt.get(region);
  }

  /** Sampled attempt outcomes of the model, every region × version, mirror copies flagged; only those newer than `since` (epoch ms) when given. Oldest first. */
  samples(model: string, since?: number): OutputSample[] {
    return this.outputs.list(model, since);
  }

  /**
   * Forwards one request. Upstream failures never throw: when every attempt failed the result is
   * a 503 (`UPSTREAM_UNAVAILABLE`) or 504 (`DEADLINE_EXCEEDED`) with an OIP error body naming
   * what failed; while the router is overloaded it is a 503 (`OVERLOADED`) with Retry-After.
   * @throws MeridianError `MODEL_NOT_FOUND` when no listed region serves the model (or the explicit version).
   */
  forward(r: ForwardRequest): Promise<ForwardResult> {
    // What throws in here rejects the promise, as from an async function (without its extra promise).
    return new Promise((resolve, reject) => {
      const model = viewOf(this.o.table()).models.get(r.model);
      const planner = new TargetPlanner(this.plannerHealth, r.model, plannedRegions(model, r.regionOrder), r.headers, r.version);
      if (model === undefined || !planner.servable) {
        const what = r.version !== undefined ? `model "${r.model}" version "${r.version}"` : `model "${r.model}"`;
        throw new MeridianError('MODEL_NOT_FOUND', `${what} is not served in any of the regions [${r.regionOrder.join(', ')}]; check the routing table and the model's residency`);
      }
      if (this.s.shedLagMs > 0) {
        const behind = this.lag.sustainedMs();
        if (behind >= this.s.shedLagMs) return resolve(shedResponse(this.metrics, this.labels, r, behind));
      }
      const budget = this.budgetOf(r.model);
      const started = this.clock.monotonicMs();
      const ctx: RequestContext = { r, model, planner, started, sampleId: this.sampler.idFor(r, model), budget, resolve, reject, ended: false };
      budget.requestStarted();
      try {
        race(this.hooks, this.raceSettings, ctx, budget, r.signal, started);
      } catch (e) {
        this.hooks.end(ctx, e);
      }
    });
  }

  /** Up (active checks) and not ejected among `group` (its region's keys: the ejection cap is per region). */
  private endpointUsable(t: Target, group: readonly string[]): boolean {
    return this.health.healthy(t.key) && !(this.outliers.isMarked(t.key) && this.outliers.isEjected(t.key, group));
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

/** How often the event-loop lag is measured: fine enough to see a 50 ms lag, ~50 wake-ups a second. */
const LAG_TICK_MS = 20;
