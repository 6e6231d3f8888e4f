// Passive outlier detection on real traffic (Envoy's consecutive_5xx; GCP's outlier detection):
// a replica that answers its ready probe but fails inference (a gray failure) is caught only here.
// An endpoint is *marked* after N consecutive failures, for base × times-marked (capped); while
// marked it counts as failing. Consecutive means one after another: a failure extends the run
// only if its attempt started after the previous counted failure, so the twenty requests caught
// in one stall (a GC pause, a CPU-starved host) are one event, not twenty — otherwise a single
// hiccup under concurrency ejects a healthy replica, and its traffic lands somewhere smaller. The max-ejection share only limits how many marked endpoints the
// picker *skips* (so a detection storm cannot empty a region of capacity); it never makes a
// failing endpoint count as healthy: when every endpoint of a region is marked, the region is
// unhealthy whatever the cap (the failure Istio #34605 hit with Envoy's 10%).
import type { Clock } from '../../core/clock.js';
import type { EngineSettings } from './settings.js';

interface OutlierState {
  consecutive: number;
  /** Monotonic ms when the last counted failure was recorded. */
  lastFailureAt: number;
  /** Monotonic ms; marked while now < until. */
  until: number;
  markedAt: number;
  times: number;
}

type OutlierSettings = Pick<EngineSettings, 'outlierConsecutiveFailures' | 'outlierBaseEjectionMs' | 'outlierMaxEjectionMs' | 'outlierMaxEjectionPercent'>;

/** Consecutive-failure outlier detection per endpoint key. */
export class OutlierDetector {
  private readonly states = new Map<string, OutlierState>();

  constructor(
    private readonly s: OutlierSettings,
    private readonly clock: Clock,
  ) {}

  /** A successful answer (any status below 500) resets the run of failures. */
  success(key: string): void {
    const st = this.states.get(key);
    if (st !== undefined) st.consecutive = 0;
  }

  /**
   * A failed attempt that started at `startedAt` (monotonic ms). Returns the ejection duration in
   * ms when this failure marks the endpoint.
   */
  failure(key: string, startedAt: number): number | undefined {
    const now = this.clock.monotonicMs();
    let st = this.states.get(key);
    if (st === undefined) {
      st = { consecutive: 0, lastFailureAt: -Infinity, until: 0, markedAt: 0, times: 0 };
      this.states.set(key, st);
    }
    if (now < st.until) return undefined; // already out: stray answers from before do not extend it
    if (startedAt < st.lastFailureAt) return undefined; // in flight during the last counted failure: same event
    st.lastFailureAt = now;
    st.consecutive++;
    if (st.consecutive < this.s.outlierConsecutiveFailures) return undefined;
    // Envoy lowers the multiplier again while a host behaves: one step per base period spent back.
    const behaved = st.until > 0 ? Math.floor((now - st.until) / this.s.outlierBaseEjectionMs) : 0;
    st.times = Math.max(0, st.times - behaved) + 1;
    const ms = Math.min(this.s.outlierBaseEjectionMs * st.times, this.s.outlierMaxEjectionMs);
    st.until = now + ms;
    st.markedAt = now;
    st.consecutive = 0;
    return ms;
  }

  /**
   * Active checks saw the endpoint come back from down: the failures that marked it were the ones
   * they saw too, so its ejection ends now and the run starts again. The multiplier stays, so an
   * endpoint that keeps flapping still stays out longer each time.
   */
  unmark(key: string): void {
    const st = this.states.get(key);
    if (st === undefined) return;
    st.consecutive = 0;
    if (this.clock.monotonicMs() < st.until) st.until = this.clock.monotonicMs();
  }

  /** True while the endpoint is marked as failing (whether or not the cap lets the picker skip it). */
  isMarked(key: string): boolean {
    const st = this.states.get(key);
    return st !== undefined && this.clock.monotonicMs() < st.until;
  }

  /**
   * True when the picker must skip `key`: it is marked and among the earliest-marked
   * max(1, ⌊percent × |group|⌋) marked endpoints of its group (the region's endpoints).
   */
  isEjected(key: string, group: readonly string[]): boolean {
    if (!this.isMarked(key)) return false;
    const allowed = Math.max(1, Math.floor((this.s.outlierMaxEjectionPercent / 100) * group.length));
    const marked = group.filter((k) => this.isMarked(k));
    if (marked.length <= allowed) return true;
    marked.sort((a, b) => (this.states.get(a)?.markedAt ?? 0) - (this.states.get(b)?.markedAt ?? 0));
    return marked.slice(0, allowed).includes(key);
  }

  /** Drops the state of endpoints no longer in the routing table. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.states.keys()) if (!keys.has(k)) this.states.delete(k);
  }
}
