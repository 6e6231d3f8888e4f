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
// no AbortController, no promise per wait (bench:router measured ~60 µs per request for those),
// no closure per timer, and no promise of its own: an attempt reports to its sink, the race to
// `hooks.finished`, so an answer reaches the client one promise reaction after the upstream's.
// Inference is stateless, so sending it twice is safe (ANCHORS "physical limits").
// This file holds the policy above: when attempts start, are replaced and give up, and the timers
// behind it. The bookkeeping under it (the attempts in flight, their budget slots, settling, the
// result) is race-attempts.ts, which Race extends; the contract with the engine (RaceHooks and
// what crosses it) is race-hooks.ts.
import type { RaceHooks, RaceSettings } from './race-hooks.js';
import { RaceAttempts, type Running } from './race-attempts.js';
import type { RetryBudget } from './retry-budget.js';
import type { ClientSignal, Target } from './types.js';
import { UpstreamError, type FailureReason } from './upstream-error.js';

/**
 * Runs attempts until one answers, the targets or the budget run out, or the deadline passes; the
 * result goes to `hooks.finished` (synchronously when nothing can be tried). `started`: monotonic
 * ms, now.
 */
export function race<C>(hooks: RaceHooks<C>, settings: RaceSettings, ctx: C, budget: RetryBudget, signal: ClientSignal | undefined, started: number): void {
  new Race(hooks, settings, ctx, budget, signal, started).start();
}

class Race<C> extends RaceAttempts<C> {
  // Timer callbacks: static, so that arming a timer allocates no closure.
  private static deadline(this: void, r: Race<unknown>): void {
    r.fail('DEADLINE_EXCEEDED', r.deadlineText());
  }

  private static hedgeDue(this: void, r: Race<unknown>, a: Running): void {
    r.hedge(a);
  }

  private static tryDue(this: void, r: Race<unknown>, a: Running): void {
    r.timedOut(a);
  }

  start(): void {
    if (this.signal?.aborted === true) return this.onClientGone();
    this.signal?.on(this.onClientGone);
    this.deadlineTimer = this.s.timers.after(this.s.deadlineMs, this.started, Race.deadline, this, undefined);
    const first = this.h.next(this.ctx);
    if (first === undefined) return this.fail('UPSTREAM_UNAVAILABLE', 'no endpoint serves it in the listed regions');
    this.launch(first, 'primary', false, this.started);
  }

  private deadlineText(): string {
    return `no answer within the ${this.s.deadlineMs} ms deadline`;
  }

  /** A launched attempt's hedge delay (while hedges are left) and per-try timeout. */
  protected override arm(me: Running, now: number): void {
    const t = me.target;
    if (this.hedges < this.s.maxHedges) me.hedgeTimer = this.s.timers.after(this.h.hedgeDelayMs(this.ctx, t), now, Race.hedgeDue, this, me);
    const remaining = this.s.deadlineMs - (now - this.started);
    me.timeoutMs = this.h.perTryTimeoutMs(this.ctx, t, remaining);
    me.tryTimer = this.s.timers.after(me.timeoutMs, now, Race.tryDue, this, me);
  }

  protected override failed(me: Running, reason: FailureReason, now: number): void {
    // The dispatch's own ceiling is the deadline too; whichever timer fires first, it is the deadline.
    if (now - this.started >= this.s.deadlineMs) return this.fail('DEADLINE_EXCEEDED', this.deadlineText(), now);
    if (!this.liveBesides(undefined)) this.retry(me.target, reason, now);
  }

  /** After a failure with nothing live in flight; attempts still stuck keep their chance meanwhile. */
  private retry(failed: Target, reason: FailureReason, now: number): void {
    if (reason === 'refused') {
      // Nothing reached a server: the replacement duplicates no work.
      const t = this.h.next(this.ctx);
      if (t === undefined) return this.waiting() ? undefined : this.fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions', now);
      this.h.onRetry(failed, reason);
      return this.launch(t, 'retry', false, now);
    }
    if (!this.budget.tryAcquire()) {
      this.h.onBudgetExhausted(this.ctx, 'retry');
      if (this.waiting()) return; // a stuck attempt looks for a slot on its own
      return this.fail('UPSTREAM_UNAVAILABLE', `retry budget exhausted (${this.budget.retriesInFlight} retries and hedges in flight, limit ${this.budget.limit()})`, now);
    }
    const t = this.h.next(this.ctx);
    if (t === undefined) {
      this.budget.release();
      if (this.waiting()) return;
      return this.fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions', now);
    }
    this.h.onRetry(failed, reason);
    this.launch(t, 'retry', true, now);
  }

  /** `me` passed its per-try timeout (`me.timeoutMs`); `me.held` is the target found at an earlier look, kept while waiting for a slot. */
  private timedOut(me: Running): void {
    me.tryTimer = undefined;
    if (this.done || me.abandoned || !this.running.includes(me)) return;
    if (!me.stuck && !me.postponed) {
      // The router's own backlog may be holding the answer unread: give it that long once more.
      const lag = this.h.loopLagMs();
      if (lag >= this.s.overloadLagMs) {
        me.postponed = true;
        me.tryTimer = this.s.timers.after(lag, this.s.timers.now(), Race.tryDue, this, me);
        me.timeoutMs += lag;
        return;
      }
    }
    const timeoutMs = me.timeoutMs;
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
    const t = me.held ?? this.h.next(this.ctx, silent ? { region: me.target.region } : undefined, false);
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
        me.held = t;
        me.tryTimer = this.s.timers.after(this.s.recheckMs, this.s.timers.now(), Race.tryDue, this, me);
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
