// Cancellation of one upstream attempt. AbortController/AbortSignal cost microseconds per request
// on the hot path (EventTarget dispatch, a DOMException with a stack trace for every abort()
// without a reason, AbortSignal.any's bookkeeping); the router's profile found ~60 µs per request
// in that machinery (BENCHMARKS.md, bench:router). An attempt needs far less: a reason, and the few
// layers of its own stack (transport, hard timeout, emulated delay) told once.
import { timeout, type Timers } from './timers.js';
import type { UpstreamError } from './upstream-error.js';

/** A one-shot cancellation: the first `abort(reason)` wins and runs every registered callback once. */
export class Cancel {
  private why: UpstreamError | undefined;
  /** The callback while there is one (the usual case: no array per cancel); `fns` once there were more. */
  private fn: (() => void) | undefined;
  private fns: (() => void)[] | undefined;

  get aborted(): boolean {
    return this.why !== undefined;
  }

  /** Why it was aborted; undefined until then. */
  get reason(): UpstreamError | undefined {
    return this.why;
  }

  abort(reason: UpstreamError): void {
    if (this.why !== undefined) return;
    this.why = reason;
    const { fn, fns } = this;
    this.fn = this.fns = undefined;
    if (fn !== undefined) fn();
    if (fns !== undefined) for (const f of fns) f();
  }

  /** Runs `fn` on abort; at once when already aborted. Pair with {@link off} when the work ends first. */
  on(fn: () => void): void {
    if (this.why !== undefined) return fn();
    // Callbacks run in the order they came: once a second one comes, all of them live in `fns`.
    if (this.fns !== undefined) this.fns.push(fn);
    else if (this.fn === undefined) this.fn = fn;
    else {
      this.fns = [this.fn, fn];
      this.fn = undefined;
    }
  }

  off(fn: () => void): void {
    if (this.fn === fn) {
      this.fn = undefined;
      return;
    }
    const fns = this.fns;
    if (fns === undefined) return;
    const i = fns.indexOf(fn);
    if (i >= 0) fns.splice(i, 1);
  }
}

/** Resolves after `ms`, or rejects with the cancel's reason when it aborts first. */
export function sleepUnlessCancelled(timers: Timers, ms: number, cancel: Cancel): Promise<void> {
  return new Promise((resolve, reject) => {
    const already = cancel.reason;
    if (already !== undefined) return reject(already);
    const onAbort = (): void => {
      timers.clear(timer);
      if (cancel.reason !== undefined) reject(cancel.reason);
    };
    const timer = timeout(timers, ms, () => {
      cancel.off(onAbort);
      resolve();
    });
    cancel.on(onAbort);
  });
}
