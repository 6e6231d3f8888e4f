// The open-loop scheduler: request i is due at i / rps seconds after the start and is sent then,
// whether or not earlier requests have been answered. A closed loop (send, wait, send) slows down
// exactly when the system under test does, so it takes fewer samples during a stall and hides it
// ("coordinated omission", Gil Tene); wrk2 and vegeta are open-loop for that reason, and so is this.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Recorder, type Outcome, type RequestRecord } from './recorder.js';

/** Sends request `seq`; must resolve (never reject) with how it ended, and give up when `signal` aborts. */
export type Send = (seq: number, signal: AbortSignal) => Promise<Outcome>;

export interface OpenLoopOptions {
  /** Requests per second, > 0. */
  rps: number;
  /** How long to keep sending, in ms; the run then waits for the requests still in flight. */
  durationMs: number;
  send: Send;
  /** Stops scheduling and aborts the requests in flight (Ctrl-C, a failed drill step). */
  signal?: AbortSignal;
  /** Monotonic milliseconds; tests may replace it. */
  now?: () => number;
}

export interface OpenLoopRun {
  /** Milliseconds since the run started, on the clock the records use (for drill timestamps). A closure: safe to pass around. */
  readonly elapsed: () => number;
  /** How many requests the schedule holds: floor(rps × duration). */
  readonly scheduled: number;
  /** Every record in schedule order, once sending has ended and every request has finished. */
  readonly done: Promise<RequestRecord[]>;
}

/** Starts sending at once; see OpenLoopRun. */
export function startOpenLoop(o: OpenLoopOptions): OpenLoopRun {
  if (!(o.rps > 0) || !Number.isFinite(o.rps)) throw new RangeError(`rps must be a positive number, got ${o.rps}`);
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const elapsed = (): number => now() - t0;
  const intervalMs = 1000 / o.rps;
  // The epsilon keeps 50 rps × 6 s at 300 requests despite floating-point products like 299.99999.
  const scheduled = Math.max(0, Math.floor((o.rps * o.durationMs) / 1000 + 1e-9));
  const recorder = new Recorder();
  const inFlight = new AbortController();
  // Every request in flight listens on this one signal; thousands of listeners are the design
  // here, not a leak, so Node's warning at 10 is switched off for it.
  setMaxListeners(0, inFlight.signal);
  let next = 0;
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;
  let settle: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const stoppedSending = (): boolean => next >= scheduled || o.signal?.aborted === true;
  const maybeDone = (): void => {
    if (stoppedSending() && pending === 0) settle?.();
  };

  const dispatch = (seq: number): void => {
    const scheduledAt = seq * intervalMs;
    const startedAt = elapsed();
    pending++;
    void o.send(seq, inFlight.signal).then(
      (out) => recorder.add({ seq, scheduledAt, startedAt, finishedAt: elapsed(), ...out }),
      // A sender that breaks its contract still leaves a record: the request was sent and failed.
      (e: unknown) => recorder.add({ seq, scheduledAt, startedAt, finishedAt: elapsed(), status: 0, region: null, error: e instanceof Error ? e.name : 'error' }),
    ).finally(() => {
      pending--;
      maybeDone();
    });
  };

  // One timer at a time, armed for the next due request. Timers fire late (≥ 1 ms, more under
  // load); everything already due is sent in that tick, so the rate holds even when each tick
  // must send several requests (above ~1000 rps it always does).
  const tick = (): void => {
    timer = undefined;
    if (o.signal?.aborted === true) return;
    const t = elapsed();
    while (next < scheduled && next * intervalMs <= t) dispatch(next++);
    if (next < scheduled) timer = setTimeout(tick, Math.max(0, next * intervalMs - elapsed()));
    else maybeDone();
  };

  const onAbort = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    inFlight.abort();
    maybeDone();
  };
  if (o.signal?.aborted === true) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  tick();

  const done = finished.then(() => {
    o.signal?.removeEventListener('abort', onAbort);
    return recorder.all();
  });
  return { elapsed, scheduled, done };
}
