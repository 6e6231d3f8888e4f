// Endpoints under suspicion: the fastest evidence the engine gets that an endpoint stopped
// serving comes from real requests, not from probes. A refused connection (nothing listens) or a
// per-try timeout during which the endpoint answered nothing at all (it accepts and never answers:
// SIGSTOP, a partition, a wedged process) makes the endpoint suspect at once, so new requests
// choose elsewhere instead of waiting for the active checks' threshold (ANCHORS "physical limits":
// detection ≥ (threshold−1) × interval + timeout). A timeout while the endpoint kept answering
// other requests is load, not a hang, and raises no suspicion: otherwise an overloaded replica
// would be pushed out and its load piled onto the next one. Suspicion ends with evidence of life —
// any answer from the endpoint, or a passing probe — or after `suspectMs`. Suspect endpoints are a
// last resort, not out (target-planner.ts): when everything is suspect, they still serve.
import type { Clock } from '../../core/clock.js';

/** Endpoint keys suspected of having stopped serving, each until a monotonic time. */
export class SuspectEndpoints {
  private readonly until = new Map<string, number>();
  /** Boxes updated in place: a map of numbers would allocate one per answer. */
  private readonly aliveAt = new Map<string, { at: number }>();

  constructor(
    private readonly suspectMs: number,
    private readonly clock: Clock,
  ) {}

  /** The endpoint refused a connection: suspect whatever it did before. 0 ms of suspicion turns the mechanism off. */
  mark(key: string): void {
    if (this.suspectMs > 0) this.until.set(key, this.clock.monotonicMs() + this.suspectMs);
  }

  /** An attempt that started at `since` (monotonic ms) got nothing back: suspect unless the endpoint answered anything since. */
  markSilent(key: string, since: number): void {
    if ((this.aliveAt.get(key)?.at ?? -Infinity) < since) this.mark(key);
  }

  /** The endpoint answered (a request or a probe) at `now` (monotonic ms): whatever was suspected, it is alive. */
  alive(key: string, now = this.clock.monotonicMs()): void {
    const seen = this.aliveAt.get(key);
    if (seen === undefined) this.aliveAt.set(key, { at: now });
    else seen.at = now;
    if (this.until.size > 0) this.until.delete(key);
  }

  isSuspect(key: string): boolean {
    if (this.until.size === 0) return false;
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (this.clock.monotonicMs() < until) return true;
    this.until.delete(key);
    return false;
  }

  /** Drops the state of endpoints no longer in the routing table. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.until.keys()) if (!keys.has(k)) this.until.delete(k);
    for (const k of this.aliveAt.keys()) if (!keys.has(k)) this.aliveAt.delete(k);
  }
}
