// The request-level policy around attempts: retries, hedging, the retry budget and the overall
// deadline, composed in one small scheduler (undici's retry interceptor, Envoy's router filter).
// - Retry: a failed attempt (refused, reset, 5xx) with nothing live left in flight starts another
//   at the planner's next target. Answers below 500 are answers, never retried.
// - Silence: a region is *silent* for an attempt when it has answered nothing (this model and
//   action) since the attempt started. A refused connection says one process is gone; silence
//   says the region may be hung as a whole (SIGSTOP, a partition, a gray failure), and its other
//   endpoints are no better bet than the one that went quiet.
// - Per-try timeout: an attempt past its timeout is *stuck*; its endpoint becomes suspect (new
//   requests avoid it) unless it answered other requests meanwhile, and it gives up its budget slot. It is abandoned (reason `timeout`) for a
//   retry — in another region first when its region is silent — unless something live is already
//   in flight (an attempt not stuck, and not in the same silent region). With nowhere to go it
//   keeps its chance to answer (slow is not dead) until the deadline.
// - Hedge: an attempt that has not answered by its hedge delay gets a twin of the same version.
//   Normally at the next target (same region first); when the region is *stalled* (silent while
//   other attempts are in flight there too — it is not just this replica) in another region.
//   The first good answer wins; the rest are aborted. A slow attempt abandoned that way is aborted
//   with reason `slow`, which counts against its endpoint (as Envoy's per-try timeout that
//   triggers a hedge does): otherwise a replica whose inference hangs while its ready probe passes
//   would never be ejected, and every request sent there would pay the hedge delay.
// - Budget: retries and hedges hold a slot of the model's RetryBudget while in flight; it bounds
//   the duplicate work a failure can cause on whatever still answers. With no slot free, a failed
//   attempt's error becomes the answer (503), a timed-out attempt keeps waiting, and a hedge is
//   not sent. Replacements that duplicate no work need no slot, and the request still has one
//   attempt in flight: the retry after a refused connection (no server saw the request), and a
//   move off a silent region (a timed-out attempt's replacement there, or a stalled hedge that
//   cannot get a slot, which then abandons its twin: the abandoned attempt sits on a host that
//   answers nobody). Without that, during a freeze the slots are all held by hedges while the
//   rest of the requests wait out the freeze, and a crash fails the requests that were in flight.
// - Deadline: everything ends by `deadlineMs`, whatever is in flight.
// - Overload: while the router's own event loop is `overloadLagMs` behind, an attempt's wait is
//   mostly the router's: no hedge is sent, and a per-try timeout is put off once by the lag.
// - Outcomes: every attempt's end (answer, failure, or abandonment with its reason) is reported,
//   for the samples release analysis reads.
// Per request this is one object and two timers per attempt (hedge, per-try) plus the deadline:
// no AbortController, no promise per wait (bench:router measured ~60 µs per request for those).
// Inference is stateless, so sending it twice is safe (ANCHORS "physical limits").
import { Cancel } from './cancel.js';
import type { RetryBudget } from './retry-budget.js';
import type { Avoid } from './target-planner.js';
import type { Timer, Timers } from './timers.js';
import type { ClientSignal, Target, UpstreamResponse } from './types.js';
import { UpstreamError, type FailureReason } from './upstream-error.js';

/** The result of one attempt; attempts never reject. `status` is the upstream's for `http_5xx`. */
export type AttemptOutcome = { ok: true; response: UpstreamResponse; latencyMs: number } | { ok: false; reason: FailureReason; message: string; status?: number };

export type RaceRole = 'primary' | 'retry' | 'hedge';

/**
 * What the scheduler asks of the engine, about one request (`C`, the engine's per-request
 * context). One long-lived object: a request costs no closures here.
 */
export interface RaceHooks<C> {
  /** The next target for a first try or a retry, `avoid`'s region last (or never, if strict); suspect endpoints only as a `lastResort`. */
  next(ctx: C, avoid?: Avoid, lastResort?: boolean): Target | undefined;
  /** The next target for a hedge of `slow` (its version, never a suspect endpoint), `avoid`'s region last (or never). */
  nextHedge(ctx: C, slow: Target, avoid?: Avoid): Target | undefined;
  /** Runs one attempt until it ends or `cancel` aborts (per-try timeout, hedge won, deadline); never rejects. */
  attempt(ctx: C, t: Target, role: RaceRole, cancel: Cancel): Promise<AttemptOutcome>;
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

/** Why an attempt is cut when the request ended some other way (answered elsewhere, deadline, client gone): no evidence either way. */
const REQUEST_ENDED = new UpstreamError('aborted', 'abandoned: the request ended');

/** An attempt in flight, abortable on its own. */
interface Running {
  target: Target;
  role: RaceRole;
  /** Monotonic ms. */
  startedAt: number;
  cancel: Cancel;
  hedgeTimer: Timer | undefined;
  /** The per-try timeout; later the wait for a retry slot, or the overload postponement. */
  tryTimer: Timer | undefined;
  /** Holds a budget slot: a retry or hedge that may duplicate work, until its per-try timeout. */
  slot: boolean;
  /** Triggered a hedge that runs beside it. */
  slow: boolean;
  /** Past its per-try timeout. */
  stuck: boolean;
  /** Aborted by the race; its outcome is still to arrive. */
  abandoned: boolean;
  /** Waited for a retry slot at least once. */
  starved: boolean;
  /** Its per-try timeout was put off once for the router's own lag. */
  postponed: boolean;
}

/** Runs attempts until one answers, the targets or the budget run out, or the deadline passes. */
export function race<C>(hooks: RaceHooks<C>, settings: RaceSettings, ctx: C, budget: RetryBudget, signal?: ClientSignal): Promise<RaceResult> {
  return new Promise((resolve) => new Race(hooks, settings, ctx, budget, signal, resolve).start());
}

class Race<C> {
  private readonly started: number;
  private readonly running: Running[] = [];
  private failures: string[] | undefined;
  private attempts = 0;
  private hedges = 0;
  private done = false;
  private last: Target | undefined;
  private deadlineTimer: Timer | undefined;
  private readonly onClientGone = (): void => this.fail('UPSTREAM_UNAVAILABLE', 'the client went away');

  constructor(
    private readonly h: RaceHooks<C>,
    private readonly s: RaceSettings,
    private readonly ctx: C,
    private readonly budget: RetryBudget,
    private readonly signal: ClientSignal | undefined,
    private readonly resolve: (r: RaceResult) => void,
  ) {
    this.started = s.monotonicMs();
  }

  start(): void {
    if (this.signal?.aborted === true) return this.onClientGone();
    this.signal?.on(this.onClientGone);
    this.deadlineTimer = this.s.timers.after(this.s.deadlineMs, () => this.fail('DEADLINE_EXCEEDED', this.deadlineText()));
    const first = this.h.next(this.ctx);
    if (first === undefined) return this.fail('UPSTREAM_UNAVAILABLE', 'no endpoint serves it in the listed regions');
    this.launch(first, 'primary', false);
  }

  private deadlineText(): string {
    return `no answer within the ${this.s.deadlineMs} ms deadline`;
  }

  private release(a: Running): void {
    if (!a.slot) return;
    a.slot = false;
    this.budget.release();
  }

  private abandon(a: Running, why: UpstreamError): void {
    a.abandoned = true;
    this.release(a);
    this.clearTimers(a);
    a.cancel.abort(why);
  }

  private clearTimers(a: Running): void {
    this.s.timers.clear(a.hedgeTimer);
    this.s.timers.clear(a.tryTimer);
    a.hedgeTimer = a.tryTimer = undefined;
  }

  /** Something in flight may still answer in time: neither stuck nor abandoned, nor (`silentRegion`) in that region. */
  private liveBesides(me: Running | undefined, silentRegion?: string): boolean {
    for (const r of this.running) if (r !== me && !r.stuck && !r.abandoned && r.target.region !== silentRegion) return true;
    return false;
  }

  private waiting(): boolean {
    for (const r of this.running) if (!r.abandoned) return true;
    return false;
  }

  private finish(r: RaceResult): void {
    if (this.done) return;
    this.done = true;
    this.s.timers.clear(this.deadlineTimer);
    for (const a of this.running) {
      this.clearTimers(a);
      if (r.ok && a.slow) a.cancel.abort(new UpstreamError('slow', `${a.target.endpoint.id} was slower than the hedge sent for it`));
      else if (r.ok && a.stuck) a.cancel.abort(new UpstreamError('timeout', `${a.target.endpoint.id} did not answer within its per-try timeout`));
      else a.cancel.abort(REQUEST_ENDED);
    }
    this.signal?.off(this.onClientGone);
    this.resolve(r);
  }

  private fail(code: 'UPSTREAM_UNAVAILABLE' | 'DEADLINE_EXCEEDED', why: string): void {
    const message = this.failures !== undefined ? `${this.failures.join('; ')}; ${why}` : why;
    this.finish({ ok: false, code, message, last: this.last, attempts: this.attempts, hedged: this.hedges > 0 });
  }

  private launch(t: Target, role: RaceRole, slot: boolean): void {
    this.attempts++;
    this.last = t;
    const me: Running = { target: t, role, startedAt: this.s.monotonicMs(), cancel: new Cancel(), hedgeTimer: undefined, tryTimer: undefined, slot, slow: false, stuck: false, abandoned: false, starved: false, postponed: false };
    this.running.push(me);
    if (this.hedges < this.s.maxHedges) me.hedgeTimer = this.s.timers.after(this.h.hedgeDelayMs(this.ctx, t), () => this.hedge(me));
    const remaining = this.s.deadlineMs - (me.startedAt - this.started);
    const timeoutMs = this.h.perTryTimeoutMs(this.ctx, t, remaining);
    me.tryTimer = this.s.timers.after(timeoutMs, () => this.timedOut(me, timeoutMs));
    this.h.attempt(this.ctx, t, role, me.cancel).then(
      (out) => this.settled(me, out),
      (e: unknown) => this.settled(me, { ok: false, reason: 'network', message: `${t.endpoint.id}: ${String(e)}` }),
    );
  }

  private settled(me: Running, out: AttemptOutcome): void {
    const i = this.running.indexOf(me);
    if (i >= 0) this.running.splice(i, 1);
    this.clearTimers(me);
    this.release(me);
    const now = this.s.monotonicMs();
    this.h.onSettled(this.ctx, me.target, me.role, out, now - me.startedAt, out.ok && !this.done);
    if (this.done) return;
    if (out.ok) return this.finish({ ok: true, target: me.target, response: out.response, latencyMs: out.latencyMs, attempts: this.attempts, hedged: this.hedges > 0 });
    (this.failures ??= []).push(out.message);
    // The dispatch's own ceiling is the deadline too; whichever timer fires first, it is the deadline.
    if (now - this.started >= this.s.deadlineMs) return this.fail('DEADLINE_EXCEEDED', this.deadlineText());
    if (!this.liveBesides(undefined)) this.retry(me.target, out.reason);
  }

  /** After a failure with nothing live in flight; attempts still stuck keep their chance meanwhile. */
  private retry(failed: Target, reason: FailureReason): void {
    if (reason === 'refused') {
      // Nothing reached a server: the replacement duplicates no work.
      const t = this.h.next(this.ctx);
      if (t === undefined) return this.waiting() ? undefined : this.fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions');
      this.h.onRetry(failed, reason);
      return this.launch(t, 'retry', false);
    }
    if (!this.budget.tryAcquire()) {
      this.h.onBudgetExhausted(this.ctx, 'retry');
      if (this.waiting()) return; // a stuck attempt looks for a slot on its own
      return this.fail('UPSTREAM_UNAVAILABLE', `retry budget exhausted (${this.budget.retriesInFlight} retries and hedges in flight, limit ${this.budget.limit()})`);
    }
    const t = this.h.next(this.ctx);
    if (t === undefined) {
      this.budget.release();
      if (this.waiting()) return;
      return this.fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions');
    }
    this.h.onRetry(failed, reason);
    this.launch(t, 'retry', true);
  }

  /** `me` passed its per-try timeout; `held` is the target found at an earlier look, kept while waiting for a slot. */
  private timedOut(me: Running, timeoutMs: number, held?: Target): void {
    me.tryTimer = undefined;
    if (this.done || me.abandoned || !this.running.includes(me)) return;
    if (!me.stuck && !me.postponed) {
      // The router's own backlog may be holding the answer unread: give it that long once more.
      const lag = this.h.loopLagMs();
      if (lag >= this.s.overloadLagMs) {
        me.postponed = true;
        me.tryTimer = this.s.timers.after(lag, () => this.timedOut(me, timeoutMs + lag));
        return;
      }
    }
    const why = (): UpstreamError => new UpstreamError('timeout', `${me.target.endpoint.id} did not answer within ${Math.round(timeoutMs)} ms`);
    let slot = me.slot;
    if (!me.stuck) {
      me.stuck = true;
      me.slot = false; // a stuck attempt holds no slot: it hands it to its replacement or gives it back
      this.h.onSuspect(me.target, me.startedAt);
    }
    const silent = !this.h.answeredSince(this.ctx, me.target, me.startedAt);
    if (this.liveBesides(me, silent ? me.target.region : undefined)) {
      if (slot) this.budget.release();
      return this.abandon(me, why());
    }
    // `me` may still answer: only an unsuspected endpoint is a better bet.
    const t = held ?? this.h.next(this.ctx, silent ? { region: me.target.region } : undefined, false);
    if (t === undefined) {
      if (slot) this.budget.release();
      return; // nowhere else to go: wait for it until the deadline
    }
    if (silent) {
      // A move off a silent region duplicates nothing (see the file comment).
      if (slot) this.budget.release();
      slot = false;
    } else if (!slot) {
      if (!this.budget.tryAcquire()) {
        if (!me.starved) this.h.onBudgetExhausted(this.ctx, 'retry');
        me.starved = true;
        me.tryTimer = this.s.timers.after(this.s.recheckMs, () => this.timedOut(me, timeoutMs, t));
        return;
      }
      slot = true;
    }
    this.h.onRetry(me.target, 'timeout');
    this.launch(t, 'retry', slot);
    this.abandon(me, why());
  }

  /** `me` has not answered by its hedge delay: a twin (or, for a stalled region without a free slot, a move). */
  private hedge(me: Running): void {
    me.hedgeTimer = undefined;
    if (this.done || me.abandoned || me.stuck || this.hedges >= this.s.maxHedges) return;
    // Overloaded: the wait is the router's own, and a twin would only add to it.
    if (this.h.loopLagMs() >= this.s.overloadLagMs) return;
    const stalled = !this.h.answeredSince(this.ctx, me.target, me.startedAt) && this.h.inFlight(this.ctx, me.target) >= 2;
    const avoid = stalled ? { region: me.target.region } : undefined;
    if (this.budget.tryAcquire()) {
      const t = this.h.nextHedge(this.ctx, me.target, avoid);
      if (t === undefined) return this.budget.release();
      this.hedges++;
      me.slow = true;
      this.h.onHedge(me.target);
      return this.launch(t, 'hedge', true);
    }
    this.h.onBudgetExhausted(this.ctx, 'hedge');
    if (!stalled) return;
    const t = this.h.nextHedge(this.ctx, me.target, { region: me.target.region, strict: true });
    if (t === undefined) return;
    this.hedges++;
    this.h.onSuspect(me.target, me.startedAt);
    this.h.onRetry(me.target, 'slow');
    this.launch(t, 'retry', false);
    this.abandon(me, new UpstreamError('slow', `${me.target.endpoint.id} went silent with its region; the request moved to ${t.region}`));
  }
}
