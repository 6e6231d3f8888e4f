// Active health checks: every endpoint of the current routing table is probed on its OIP
// model-ready path (`GET /v2/models/{m}/versions/{v}/ready`) each interval, through the same
// emulated network delay as requests. Active checks see idle regions, which passive detection
// never can (ANCHORS "physical limits": use both). Probe successes also feed the region RTT.
import type { Clock } from '../../core/clock.js';
import { Cancel } from './cancel.js';
import type { EngineSettings } from './settings.js';
import type { Dispatch, Target } from './types.js';
import { oipPath } from './types.js';
import { UpstreamError } from './upstream-error.js';

type HealthSettings = Pick<EngineSettings, 'healthIntervalMs' | 'healthUnhealthyThreshold' | 'healthHealthyThreshold' | 'healthTimeoutMarginMs'>;

/** What the checker needs from the engine. */
export interface HealthCheckerOptions {
  /** Every endpoint to probe, read afresh each round so table changes are followed. */
  targets: () => Target[];
  /** Delay + timeout + transport: no observation, probes are not traffic. */
  dispatch: Dispatch;
  delayMs: (region: string) => number;
  clock: Clock;
  settings: HealthSettings;
  onRtt: (region: string, ms: number) => void;
  onChange: (t: Target, healthy: boolean) => void;
  /** Every passing probe: evidence that the endpoint is alive now (it clears suspicion). */
  onPass: (t: Target) => void;
  /** A down endpoint counts as up again (it unejects the endpoint, as Envoy's successful_active_health_check_uneject_host). */
  onRecovered: (t: Target) => void;
  /** The keys of this round's targets, to prune state elsewhere. */
  onRound: (keys: ReadonlySet<string>) => void;
}

interface ProbeState {
  healthy: boolean;
  fails: number;
  passes: number;
}

/** Probes endpoints on an interval and turns results into up/down with thresholds. */
export class HealthChecker {
  private readonly states = new Map<string, ProbeState>();
  private readonly probing = new Map<string, Promise<void>>();
  private current: ReadonlySet<string> = new Set();
  private stopper: AbortController | undefined;
  /** Probes in flight are abandoned through this when the checker stops. */
  private probeStop = new Cancel();
  private loop: Promise<void> | undefined;

  constructor(private readonly o: HealthCheckerOptions) {}

  /** Starts probing; the first round runs at once. */
  start(): void {
    if (this.stopper !== undefined) return;
    const stopper = new AbortController();
    this.stopper = stopper;
    const probeStop = (this.probeStop = new Cancel());
    this.loop = (async () => {
      while (!stopper.signal.aborted) {
        this.round(probeStop);
        await this.o.clock.sleep(this.o.settings.healthIntervalMs, stopper.signal).catch(() => {});
      }
    })();
  }

  /** Stops the loop and abandons probes in flight. */
  async stop(): Promise<void> {
    this.stopper?.abort();
    this.probeStop.abort(new UpstreamError('aborted', 'health checks stopped'));
    await this.loop;
    await Promise.all(this.probing.values());
    this.stopper = undefined;
  }

  /** Route 53's rule: an endpoint counts as healthy until probe data says otherwise. */
  healthy(key: string): boolean {
    return this.states.get(key)?.healthy ?? true;
  }

  private round(stop: Cancel): void {
    const targets = this.o.targets();
    const keys = new Set(targets.map((t) => t.key));
    this.current = keys;
    for (const k of this.states.keys()) if (!keys.has(k)) this.states.delete(k);
    this.o.onRound(keys);
    for (const t of targets) {
      // A probe still waiting (a hung replica) is not doubled; its timeout will report.
      if (this.probing.has(t.key)) continue;
      const p = this.probe(t, stop).finally(() => this.probing.delete(t.key));
      this.probing.set(t.key, p);
    }
  }

  private async probe(t: Target, stop: Cancel): Promise<void> {
    const timeoutMs = 2 * this.o.delayMs(t.region) + this.o.settings.healthTimeoutMarginMs;
    const started = this.o.clock.monotonicMs();
    let ok = false;
    let explicit = false;
    try {
      const res = await this.o.dispatch({ target: t, role: 'probe', action: 'ready', method: 'GET', path: oipPath(t.model, t.version, 'ready'), headers: {}, timeoutMs }, stop);
      ok = res.status === 200;
      explicit = !ok;
      if (ok) this.o.onRtt(t.region, this.o.clock.monotonicMs() - started);
    } catch (e) {
      if (e instanceof UpstreamError && e.reason === 'aborted') return; // stopping
    }
    // Stopping, or the endpoint left the table while its probe ran.
    if (stop.aborted || !this.current.has(t.key)) return;
    this.record(t, ok, explicit);
  }

  private record(t: Target, ok: boolean, explicit: boolean): void {
    let s = this.states.get(t.key);
    if (s === undefined) {
      s = { healthy: true, fails: 0, passes: 0 };
      this.states.set(t.key, s);
      this.o.onChange(t, true);
    }
    if (ok) {
      this.o.onPass(t);
      s.passes++;
      s.fails = 0;
      if (!s.healthy && s.passes >= this.o.settings.healthHealthyThreshold) this.set(t, s, true);
    } else {
      s.fails++;
      s.passes = 0;
      // Envoy: an explicit unexpected status (503 while draining or loading, 404 for a version the
      // replica does not serve) marks the endpoint down at once; silence needs the threshold.
      if (s.healthy && (explicit || s.fails >= this.o.settings.healthUnhealthyThreshold)) this.set(t, s, false);
    }
  }

  private set(t: Target, s: ProbeState, healthy: boolean): void {
    s.healthy = healthy;
    this.o.onChange(t, healthy);
    if (healthy) this.o.onRecovered(t);
  }
}
