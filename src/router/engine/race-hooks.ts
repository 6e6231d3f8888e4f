// The contract between the race (attempt-race.ts) and the engine that runs it: what the race asks
// of the engine about one request (RaceHooks), its fixed settings, where an attempt reports how it
// ended (AttemptSink) and the request's result. The engine's side is engine-race-hooks.ts.
import type { Cancel } from './cancel.js';
import type { Avoid } from './target-planner.js';
import type { Timers } from './timers.js';
import type { Target, UpstreamResponse } from './types.js';
import type { FailureReason } from './upstream-error.js';

/** The result of one attempt. `status` is the upstream's for `http_5xx`. */
export type AttemptOutcome = { ok: true; response: UpstreamResponse; latencyMs: number } | { ok: false; reason: FailureReason; message: string; status?: number };

export type RaceRole = 'primary' | 'retry' | 'hedge';

/** Where an attempt reports how it ended: exactly once, never synchronously from `attempt`. */
export interface AttemptSink {
  /** `now`: monotonic ms, when the outcome arrived. */
  settle(outcome: AttemptOutcome, now: number): void;
}

/**
 * What the scheduler asks of the engine, about one request (`C`, the engine's per-request
 * context). One long-lived object: a request costs no closures here.
 */
export interface RaceHooks<C> {
  /** The next target for a first try or a retry, `avoid`'s region last (or never, if strict); suspect endpoints only as a `lastResort`. */
  next(ctx: C, avoid?: Avoid, lastResort?: boolean): Target | undefined;
  /** The next target for a hedge of `slow` (its version, never a suspect endpoint), `avoid`'s region last (or never). */
  nextHedge(ctx: C, slow: Target, avoid?: Avoid): Target | undefined;
  /**
   * Starts one attempt, begun at `startedAt` (monotonic ms), which runs until it ends or `cancel`
   * aborts (per-try timeout, hedge won, deadline) and then reports to `sink`. Throwing counts as a
   * `network` failure.
   */
  attempt(ctx: C, t: Target, role: RaceRole, cancel: Cancel, sink: AttemptSink, startedAt: number): void;
  hedgeDelayMs(ctx: C, t: Target): number;
  perTryTimeoutMs(ctx: C, t: Target, remainingMs: number): number;
  /** True when `t`'s region answered this model and action at or after `since` (monotonic ms). */
  answeredSince(ctx: C, t: Target, since: number): boolean;
  /** Attempts of every request in flight to `t`'s region for this model and action. */
  inFlight(ctx: C, t: Target): number;
  /** How far behind the router's event loop is now, ms. */
  loopLagMs(): number;
  /** An attempt to `t` started at `since` got nothing back in time (timeout, silent region): avoid `t` unless it answered anything since. */
  onSuspect(t: Target, since: number): void;
  onRetry(failed: Target, reason: FailureReason): void;
  onHedge(slow: Target): void;
  onBudgetExhausted(ctx: C, role: 'retry' | 'hedge'): void;
  /**
   * An attempt ended: `won` when its answer is the request's. Abandoned attempts end with the
   * reason they were abandoned for (`slow`: a hedge won or the request moved on; `timeout`: past
   * its per-try timeout; `aborted`: the request ended otherwise).
   */
  onSettled(ctx: C, t: Target, role: RaceRole, outcome: AttemptOutcome, latencyMs: number, won: boolean): void;
  /** The request's result, once; `now`: monotonic ms. Attempts still running report to onSettled later. */
  finished(ctx: C, result: RaceResult, now: number): void;
}

/** The scheduler's fixed parameters. */
export interface RaceSettings {
  recheckMs: number;
  maxHedges: number;
  deadlineMs: number;
  overloadLagMs: number;
  monotonicMs: () => number;
  timers: Timers;
}

interface RaceCounts {
  attempts: number;
  hedged: boolean;
}

export type RaceResult =
  | ({ ok: true; target: Target; response: UpstreamResponse; latencyMs: number } & RaceCounts)
  | ({ ok: false; code: 'UPSTREAM_UNAVAILABLE' | 'DEADLINE_EXCEEDED'; message: string; last: Target | undefined } & RaceCounts);
