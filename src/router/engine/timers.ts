// Cancellable timers for the engine's hot path. Time enters through the Clock port (STYLE #9), but
// `clock.sleep(ms, signal)` needs an AbortSignal per wait and a rejected promise per cancel: three
// of them per request (deadline, hedge, per-try timeout) were a good part of the router's CPU.
// With the system clock the engine uses plain setTimeout/clearTimeout; with any other clock (a fake
// in tests) it goes through that clock's sleep, so faking time still works.
import { systemClock, type Clock } from '../../core/clock.js';

/** An opaque handle of a pending timer. */
export type Timer = object;

/** Schedules and clears callbacks. */
export interface Timers {
  /** Calls `fn` once after `ms` unless cleared first. */
  after(ms: number, fn: () => void): Timer;
  clear(t: Timer | undefined): void;
}

const native: Timers = {
  after: (ms, fn) => setTimeout(fn, ms),
  clear: (t) => {
    if (t !== undefined) clearTimeout(t as NodeJS.Timeout);
  },
};

/** Timers that follow `clock`: native ones for the system clock, its sleep otherwise. */
export function timersFor(clock: Clock): Timers {
  if (clock === systemClock) return native;
  return {
    after: (ms, fn) => {
      const stop = new AbortController();
      clock.sleep(ms, stop.signal).then(fn, () => {});
      return stop;
    },
    clear: (t) => (t as AbortController | undefined)?.abort(),
  };
}
