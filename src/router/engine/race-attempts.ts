// The bookkeeping under one request's race; its policy (retries, per-try timeouts, hedges, the
// deadline) is attempt-race.ts, which extends this class. Here: the attempts in flight, each
// abortable on its own, the retry-budget slot each holds, their outcomes as they settle, and the
// request's result, reported once, every attempt still running aborted with the reason it lost.
// Nothing here decides what to do next or when: the policy arms each launched attempt's timers
// (`arm`) and says what follows a failure (`failed`). Subclassing keeps a request at one object,
// where a policy object beside it would be a second allocation per request.
import { Cancel } from './cancel.js';
import type { AttemptOutcome, AttemptSink, RaceHooks, RaceResult, RaceRole, RaceSettings } from './race-hooks.js';
import type { RetryBudget } from './retry-budget.js';
import type { Timer } from './timers.js';
import type { ClientSignal, Target } from './types.js';
import { UpstreamError, type FailureReason } from './upstream-error.js';

/** Why an attempt is cut when the request ended some other way (answered elsewhere, deadline, client gone): no evidence either way. */
const REQUEST_ENDED = new UpstreamError('aborted', 'abandoned: the request ended');

/** An attempt in flight, abortable on its own; the sink its outcome comes to. */
export class Running implements AttemptSink {
  readonly cancel = new Cancel();
  hedgeTimer: Timer | undefined = undefined;
  /** The per-try timeout; later the wait for a retry slot, or the overload postponement. */
  tryTimer: Timer | undefined = undefined;
  /** The per-try timeout in ms, its overload postponement included. */
  timeoutMs = 0;
  /** The target found while waiting for a retry slot, kept for the next look. */
  held: Target | undefined = undefined;
  /** Triggered a hedge that runs beside it. */
  slow = false;
  /** Past its per-try timeout. */
  stuck = false;
  /** Aborted by the race; its outcome is still to arrive. */
  abandoned = false;
  /** Waited for a retry slot at least once. */
  starved = false;
  /** Its per-try timeout was put off once for the router's own lag. */
  postponed = false;

  constructor(
    private readonly race: { settled(a: Running, out: AttemptOutcome, now: number): void },
    readonly target: Target,
    readonly role: RaceRole,
    /** Monotonic ms. */
    readonly startedAt: number,
    /** Holds a budget slot: a retry or hedge that may duplicate work, until its per-try timeout. */
    public slot: boolean,
  ) {}

  settle(out: AttemptOutcome, now: number): void {
    this.race.settled(this, out, now);
  }
}

/** One request's attempts and result; the policy that drives them is the subclass's. */
export abstract class RaceAttempts<C> {
  /** Attempts not settled yet, oldest first. */
  protected running: Running[] = [];
  private failures: string[] | undefined;
  private attempts = 0;
  /** Hedges sent (and moves off a stalled region), counted by the policy. */
  protected hedges = 0;
  protected done = false;
  private last: Target | undefined;
  /** Armed by the policy when the race starts; cleared here when it ends. */
  protected deadlineTimer: Timer | undefined;
  protected readonly onClientGone = (): void => this.fail('UPSTREAM_UNAVAILABLE', 'the client went away');

  constructor(
    protected readonly h: RaceHooks<C>,
    protected readonly s: RaceSettings,
    protected readonly ctx: C,
    protected readonly budget: RetryBudget,
    protected readonly signal: ClientSignal | undefined,
    protected readonly started: number,
  ) {}

  /** Arms the timers of `me`, just launched at `now` (monotonic ms), before its attempt starts. */
  protected abstract arm(me: Running, now: number): void;

  /** `me` failed (its message is recorded) and the request is not over: what follows. */
  protected abstract failed(me: Running, reason: FailureReason, now: number): void;

  protected release(a: Running): void {
    if (!a.slot) return;
    a.slot = false;
    this.budget.release();
  }

  protected abandon(a: Running, why: UpstreamError): void {
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
  protected liveBesides(me: Running | undefined, silentRegion?: string): boolean {
    for (const r of this.running) if (r !== me && !r.stuck && !r.abandoned && r.target.region !== silentRegion) return true;
    return false;
  }

  protected waiting(): boolean {
    for (const r of this.running) if (!r.abandoned) return true;
    return false;
  }

  private finish(r: RaceResult, now?: number): void {
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
    this.h.finished(this.ctx, r, now ?? this.s.monotonicMs());
  }

  protected fail(code: 'UPSTREAM_UNAVAILABLE' | 'DEADLINE_EXCEEDED', why: string, now?: number): void {
    const message = this.failures !== undefined ? `${this.failures.join('; ')}; ${why}` : why;
    this.finish({ ok: false, code, message, last: this.last, attempts: this.attempts, hedged: this.hedges > 0 }, now);
  }

  /** Starts an attempt at `t`; `now`: monotonic ms, when known. */
  protected launch(t: Target, role: RaceRole, slot: boolean, now = this.s.monotonicMs()): void {
    this.attempts++;
    this.last = t;
    const me = new Running(this, t, role, now, slot);
    // Usually the only one: a literal is sized for it, where push would make room for 16.
    if (this.running.length === 0) this.running = [me];
    else this.running.push(me);
    this.arm(me, now);
    try {
      this.h.attempt(this.ctx, t, role, me.cancel, me, now);
    } catch (e) {
      // As if the attempt had failed at once, reported like any outcome: in a later microtask.
      queueMicrotask(() => me.settle({ ok: false, reason: 'network', message: `${t.endpoint.id}: ${String(e)}` }, this.s.monotonicMs()));
    }
  }

  /** `me` reported its outcome (the sink's call). */
  settled(me: Running, out: AttemptOutcome, now: number): void {
    const running = this.running;
    const i = running.indexOf(me);
    if (i >= 0) {
      // splice would allocate the array of what it removed.
      for (let j = i + 1; j < running.length; j++) running[j - 1] = running[j]!;
      running.pop();
    }
    this.clearTimers(me);
    this.release(me);
    this.h.onSettled(this.ctx, me.target, me.role, out, now - me.startedAt, out.ok && !this.done);
    if (this.done) return;
    if (out.ok) return this.finish({ ok: true, target: me.target, response: out.response, latencyMs: out.latencyMs, attempts: this.attempts, hedged: this.hedges > 0 }, now);
    (this.failures ??= []).push(out.message);
    this.failed(me, out.reason, now);
  }
}
