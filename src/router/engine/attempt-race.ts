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
// Inference is stateless, so sending it twice is safe (ANCHORS "physical limits").
import type { Clock } from '../../core/clock.js';
import type { RetryBudget } from './retry-budget.js';
import type { Avoid } from './target-planner.js';
import type { Target, UpstreamResponse } from './types.js';
import { UpstreamError, type FailureReason } from './upstream-error.js';

/** The result of one attempt; attempts never reject. */
export type AttemptOutcome = { ok: true; response: UpstreamResponse; latencyMs: number } | { ok: false; reason: FailureReason; message: string };

export type RaceRole = 'primary' | 'retry' | 'hedge';

/** What the scheduler needs; see the file comment for the policy. */
export interface RaceOptions {
  /** The next target for a first try or a retry, `avoid`'s region last (or never, if strict); suspect endpoints only as a `lastResort`. */
  next: (avoid?: Avoid, lastResort?: boolean) => Target | undefined;
  /** The next target for a hedge of `slow` (its version, never a suspect endpoint), `avoid`'s region last (or never). */
  nextHedge: (slow: Target, avoid?: Avoid) => Target | undefined;
  /** Runs one attempt until it ends or `signal` aborts (per-try timeout, hedge won, deadline). */
  attempt: (t: Target, role: RaceRole, signal: AbortSignal) => Promise<AttemptOutcome>;
  budget: RetryBudget;
  hedgeDelayMs: (t: Target) => number;
  perTryTimeoutMs: (t: Target, remainingMs: number) => number;
  /** True when `t`'s region answered this model and action at or after `since` (monotonic ms). */
  answeredSince: (t: Target, since: number) => boolean;
  /** Attempts of every request in flight to `t`'s region for this model and action. */
  inFlight: (t: Target) => number;
  /** How often an attempt past its timeout looks again for a free retry slot. */
  recheckMs: number;
  maxHedges: number;
  deadlineMs: number;
  clock: Clock;
  /** The client's: when it aborts, so does everything. */
  signal?: AbortSignal;
  /** An attempt to `t` started at `since` got nothing back in time (timeout, silent region): avoid `t` unless it answered anything since. */
  onSuspect: (t: Target, since: number) => void;
  onRetry: (failed: Target, reason: FailureReason) => void;
  onHedge: (slow: Target) => void;
  onBudgetExhausted: (role: 'retry' | 'hedge') => void;
}

interface RaceCounts {
  attempts: number;
  hedged: boolean;
}

export type RaceResult =
  | ({ ok: true; target: Target; response: UpstreamResponse; latencyMs: number } & RaceCounts)
  | ({ ok: false; code: 'UPSTREAM_UNAVAILABLE' | 'DEADLINE_EXCEEDED'; message: string; last: Target | undefined } & RaceCounts);

const ignore = (): void => {};

/** An attempt in flight, abortable on its own. */
interface Running {
  target: Target;
  /** Monotonic ms. */
  startedAt: number;
  abort: AbortController;
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
}

/** Runs attempts until one answers, the targets or the budget run out, or the deadline passes. */
export function race(o: RaceOptions): Promise<RaceResult> {
  return new Promise((resolve) => {
    const all = new AbortController();
    const started = o.clock.monotonicMs();
    const failures: string[] = [];
    let attempts = 0;
    let hedges = 0;
    let done = false;
    let last: Target | undefined;
    const running = new Set<Running>();

    const release = (a: Running): void => {
      if (!a.slot) return;
      a.slot = false;
      o.budget.release();
    };
    const abandon = (a: Running, why: UpstreamError): void => {
      a.abandoned = true;
      release(a);
      a.abort.abort(why);
    };
    /** Something in flight may still answer in time: neither stuck nor abandoned, nor (`silentRegion`) in that region. */
    const liveBesides = (me: Running | undefined, silentRegion?: string): boolean =>
      [...running].some((r) => r !== me && !r.stuck && !r.abandoned && r.target.region !== silentRegion);
    const waiting = (): boolean => [...running].some((r) => !r.abandoned);

    const finish = (r: RaceResult): void => {
      if (done) return;
      done = true;
      if (r.ok) {
        for (const a of running) {
          if (a.slow) a.abort.abort(new UpstreamError('slow', `${a.target.endpoint.id} was slower than the hedge sent for it`));
          else if (a.stuck) a.abort.abort(new UpstreamError('timeout', `${a.target.endpoint.id} did not answer within its per-try timeout`));
        }
      }
      all.abort();
      o.signal?.removeEventListener('abort', onClientGone);
      resolve(r);
    };
    const fail = (code: 'UPSTREAM_UNAVAILABLE' | 'DEADLINE_EXCEEDED', why: string): void => {
      const message = failures.length > 0 ? `${failures.join('; ')}; ${why}` : why;
      finish({ ok: false, code, message, last, attempts, hedged: hedges > 0 });
    };
    const onClientGone = (): void => fail('UPSTREAM_UNAVAILABLE', 'the client went away');
    const deadlineText = `no answer within the ${o.deadlineMs} ms deadline`;

    const launch = (t: Target, role: RaceRole, slot: boolean): void => {
      attempts++;
      last = t;
      const me: Running = { target: t, startedAt: o.clock.monotonicMs(), abort: new AbortController(), slot, slow: false, stuck: false, abandoned: false, starved: false };
      running.add(me);
      if (hedges < o.maxHedges) o.clock.sleep(o.hedgeDelayMs(t), me.abort.signal).then(() => hedge(me), ignore);
      const remaining = o.deadlineMs - (me.startedAt - started);
      const timeoutMs = o.perTryTimeoutMs(t, remaining);
      o.clock.sleep(timeoutMs, me.abort.signal).then(() => timedOut(me, timeoutMs), ignore);
      o.attempt(t, role, AbortSignal.any([me.abort.signal, all.signal]))
        .catch((e: unknown): AttemptOutcome => ({ ok: false, reason: 'network', message: `${t.endpoint.id}: ${String(e)}` }))
        .then((out) => {
          running.delete(me);
          me.abort.abort();
          release(me);
          if (done) return;
          if (out.ok) return finish({ ok: true, target: t, response: out.response, latencyMs: out.latencyMs, attempts, hedged: hedges > 0 });
          failures.push(out.message);
          // The dispatch's own ceiling is the deadline too; whichever timer fires first, it is the deadline.
          if (o.clock.monotonicMs() - started >= o.deadlineMs) return fail('DEADLINE_EXCEEDED', deadlineText);
          if (!liveBesides(undefined)) retry(t, out.reason);
        }, ignore);
    };

    /** After a failure with nothing live in flight; attempts still stuck keep their chance meanwhile. */
    const retry = (failed: Target, reason: FailureReason): void => {
      if (reason === 'refused') {
        // Nothing reached a server: the replacement duplicates no work.
        const t = o.next();
        if (t === undefined) return waiting() ? undefined : fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions');
        o.onRetry(failed, reason);
        return launch(t, 'retry', false);
      }
      if (!o.budget.tryAcquire()) {
        o.onBudgetExhausted('retry');
        if (waiting()) return; // a stuck attempt looks for a slot on its own
        return fail('UPSTREAM_UNAVAILABLE', `retry budget exhausted (${o.budget.retriesInFlight} retries and hedges in flight, limit ${o.budget.limit()})`);
      }
      const t = o.next();
      if (t === undefined) {
        o.budget.release();
        if (waiting()) return;
        return fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions');
      }
      o.onRetry(failed, reason);
      launch(t, 'retry', true);
    };

    /** `me` passed its per-try timeout; `held` is the target found at an earlier look, kept while waiting for a slot. */
    const timedOut = (me: Running, timeoutMs: number, held?: Target): void => {
      if (done || me.abandoned || !running.has(me)) return;
      const why = new UpstreamError('timeout', `${me.target.endpoint.id} did not answer within ${Math.round(timeoutMs)} ms`);
      let slot = me.slot;
      if (!me.stuck) {
        me.stuck = true;
        me.slot = false; // a stuck attempt holds no slot: it hands it to its replacement or gives it back
        o.onSuspect(me.target, me.startedAt);
      }
      const silent = !o.answeredSince(me.target, me.startedAt);
      if (liveBesides(me, silent ? me.target.region : undefined)) {
        if (slot) o.budget.release();
        return abandon(me, why);
      }
      // `me` may still answer: only an unsuspected endpoint is a better bet.
      const t = held ?? o.next(silent ? { region: me.target.region } : undefined, false);
      if (t === undefined) {
        if (slot) o.budget.release();
        return; // nowhere else to go: wait for it until the deadline
      }
      if (silent) {
        // A move off a silent region duplicates nothing (see the file comment).
        if (slot) o.budget.release();
        slot = false;
      } else if (!slot) {
        if (!o.budget.tryAcquire()) {
          if (!me.starved) o.onBudgetExhausted('retry');
          me.starved = true;
          o.clock.sleep(o.recheckMs, me.abort.signal).then(() => timedOut(me, timeoutMs, t), ignore);
          return;
        }
        slot = true;
      }
      o.onRetry(me.target, 'timeout');
      launch(t, 'retry', slot);
      abandon(me, why);
    };

    /** `me` has not answered by its hedge delay: a twin (or, for a stalled region without a free slot, a move). */
    const hedge = (me: Running): void => {
      if (done || me.abandoned || me.stuck || hedges >= o.maxHedges) return;
      const stalled = !o.answeredSince(me.target, me.startedAt) && o.inFlight(me.target) >= 2;
      const avoid = stalled ? { region: me.target.region } : undefined;
      if (o.budget.tryAcquire()) {
        const t = o.nextHedge(me.target, avoid);
        if (t === undefined) return o.budget.release();
        hedges++;
        me.slow = true;
        o.onHedge(me.target);
        return launch(t, 'hedge', true);
      }
      o.onBudgetExhausted('hedge');
      if (!stalled) return;
      const t = o.nextHedge(me.target, { region: me.target.region, strict: true });
      if (t === undefined) return;
      hedges++;
      o.onSuspect(me.target, me.startedAt);
      o.onRetry(me.target, 'slow');
      launch(t, 'retry', false);
      abandon(me, new UpstreamError('slow', `${me.target.endpoint.id} went silent with its region; the request moved to ${t.region}`));
    };

    if (o.signal?.aborted === true) return onClientGone();
    o.signal?.addEventListener('abort', onClientGone, { once: true });
    o.clock.sleep(o.deadlineMs, all.signal).then(() => fail('DEADLINE_EXCEEDED', deadlineText), ignore);
    const first = o.next();
    if (first === undefined) return fail('UPSTREAM_UNAVAILABLE', 'no endpoint serves it in the listed regions');
    launch(first, 'primary', false);
  });
}
