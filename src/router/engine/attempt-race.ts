// The request-level policy around attempts: retries, hedging, the retry budget and the overall
// deadline, composed in one small scheduler (undici's retry interceptor, Envoy's router filter).
// - Retry: a failed attempt (refused, reset, 5xx) with nothing else in flight starts another at
//   the planner's next target. Answers below 500 are answers, never retried.
// - Per-try timeout: an attempt past its timeout is abandoned (reason `timeout`) only when there
//   is something better to do — a retry slot and another target, or a hedge already in flight.
//   Otherwise it keeps its chance to answer (slow is not dead) and looks for a slot again every
//   `recheckMs`, until the deadline.
// - Hedge: an attempt that has not answered by its hedge delay gets a twin at the next target of
//   the same version; the first good answer wins and the rest are aborted. A slow attempt
//   abandoned that way is aborted with reason `slow`, which counts against its endpoint (as
//   Envoy's per-try timeout that triggers a hedge does): otherwise a replica whose inference
//   hangs while its ready probe passes would never be ejected, and every request sent there
//   would pay the hedge delay.
// - Budget: every retry and hedge holds a slot of the model's RetryBudget while in flight. With
//   none free, a failed attempt's error becomes the answer (503), a timed-out attempt keeps
//   waiting, and a hedge is simply not sent.
// - Deadline: everything ends by `deadlineMs`, whatever is in flight.
// Inference is stateless, so sending it twice is safe (ANCHORS "physical limits").
import type { Clock } from '../../core/clock.js';
import type { RetryBudget } from './retry-budget.js';
import type { Target, UpstreamResponse } from './types.js';
import { UpstreamError, type FailureReason } from './upstream-error.js';

/** The result of one attempt; attempts never reject. */
export type AttemptOutcome = { ok: true; response: UpstreamResponse; latencyMs: number } | { ok: false; reason: FailureReason; message: string };

export type RaceRole = 'primary' | 'retry' | 'hedge';

/** What the scheduler needs; see the file comment for the policy. */
export interface RaceOptions {
  /** The next target for a first try or a retry. */
  next: () => Target | undefined;
  /** The next target for a hedge of `slow`. */
  nextHedge: (slow: Target) => Target | undefined;
  /** Runs one attempt until it ends or `signal` aborts (per-try timeout, hedge won, deadline). */
  attempt: (t: Target, role: RaceRole, signal: AbortSignal) => Promise<AttemptOutcome>;
  budget: RetryBudget;
  hedgeDelayMs: (t: Target) => number;
  perTryTimeoutMs: (t: Target, remainingMs: number) => number;
  /** How often an attempt past its timeout looks again for a free retry slot. */
  recheckMs: number;
  maxHedges: number;
  deadlineMs: number;
  clock: Clock;
  /** The client's: when it aborts, so does everything. */
  signal?: AbortSignal;
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

/** An attempt in flight, abortable on its own; `slow` once it triggered a hedge, `starved` once it waited for a retry slot. */
interface Running {
  target: Target;
  abort: AbortController;
  slow: boolean;
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
    let pending = 0;
    let done = false;
    let last: Target | undefined;
    const running = new Set<Running>();

    const finish = (r: RaceResult): void => {
      if (done) return;
      done = true;
      if (r.ok) {
        for (const a of running) {
          if (a.slow) a.abort.abort(new UpstreamError('slow', `${a.target.endpoint.id} was slower than the hedge sent for it`));
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

    const launch = (t: Target, role: RaceRole): void => {
      attempts++;
      pending++;
      last = t;
      const me: Running = { target: t, abort: new AbortController(), slow: false, starved: false };
      running.add(me);
      if (hedges < o.maxHedges) {
        o.clock.sleep(o.hedgeDelayMs(t), me.abort.signal).then(() => {
          me.slow = hedge(t);
        }, ignore);
      }
      const remaining = o.deadlineMs - (o.clock.monotonicMs() - started);
      const timeoutMs = o.perTryTimeoutMs(t, remaining);
      o.clock.sleep(timeoutMs, me.abort.signal).then(() => timedOut(me, timeoutMs), ignore);
      o.attempt(t, role, AbortSignal.any([me.abort.signal, all.signal]))
        .catch((e: unknown): AttemptOutcome => ({ ok: false, reason: 'network', message: `${t.endpoint.id}: ${String(e)}` }))
        .then((out) => {
          pending--;
          running.delete(me);
          me.abort.abort();
          if (role !== 'primary') o.budget.release();
          if (done) return;
          if (out.ok) return finish({ ok: true, target: t, response: out.response, latencyMs: out.latencyMs, attempts, hedged: hedges > 0 });
          failures.push(out.message);
          // The dispatch's own ceiling is the deadline too; whichever timer fires first, it is the deadline.
          if (o.clock.monotonicMs() - started >= o.deadlineMs) return fail('DEADLINE_EXCEEDED', deadlineText);
          if (pending === 0) retry(t, out.reason);
        }, ignore);
    };

    const retry = (failed: Target, reason: FailureReason): void => {
      const t = o.next();
      if (t === undefined) return fail('UPSTREAM_UNAVAILABLE', 'no other usable endpoint in the listed regions');
      if (!o.budget.tryAcquire()) {
        o.onBudgetExhausted('retry');
        return fail('UPSTREAM_UNAVAILABLE', `retry budget exhausted (${o.budget.retriesInFlight} retries and hedges in flight, limit ${o.budget.limit()})`);
      }
      o.onRetry(failed, reason);
      launch(t, 'retry');
    };

    /** `me` passed its per-try timeout; `held` is the target found at an earlier look, kept while waiting for a slot. */
    const timedOut = (me: Running, timeoutMs: number, held?: Target): void => {
      if (done) return;
      if (running.size === 1) {
        const t = held ?? o.next();
        if (t === undefined) return; // nowhere else to go: wait for this one until the deadline
        if (!o.budget.tryAcquire()) {
          if (!me.starved) o.onBudgetExhausted('retry');
          me.starved = true;
          o.clock.sleep(o.recheckMs, me.abort.signal).then(() => timedOut(me, timeoutMs, t), ignore);
          return;
        }
        o.onRetry(me.target, 'timeout');
        launch(t, 'retry');
      }
      me.abort.abort(new UpstreamError('timeout', `${me.target.endpoint.id} did not answer within ${Math.round(timeoutMs)} ms`));
    };

    /** Sends a hedge for a slow attempt; true when one was sent. */
    const hedge = (slow: Target): boolean => {
      if (done || hedges >= o.maxHedges) return false;
      if (!o.budget.tryAcquire()) {
        o.onBudgetExhausted('hedge');
        return false;
      }
      const t = o.nextHedge(slow);
      if (t === undefined) {
        o.budget.release();
        return false;
      }
      hedges++;
      o.onHedge(slow);
      launch(t, 'hedge');
      return true;
    };

    if (o.signal?.aborted === true) return onClientGone();
    o.signal?.addEventListener('abort', onClientGone, { once: true });
    o.clock.sleep(o.deadlineMs, all.signal).then(() => fail('DEADLINE_EXCEEDED', deadlineText), ignore);
    const first = o.next();
    if (first === undefined) return fail('UPSTREAM_UNAVAILABLE', 'no endpoint serves it in the listed regions');
    launch(first, 'primary');
  });
}
