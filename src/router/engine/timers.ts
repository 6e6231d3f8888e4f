// Cancellable timers for the engine's hot path. Time enters through the Clock port (STYLE #9), but
// `clock.sleep(ms, signal)` needs an AbortSignal per wait and a rejected promise per cancel: three
// of them per request (deadline, hedge, per-try timeout) were a good part of the router's CPU.
// With the system clock the engine keeps its own timer lists on top of a few node timers; with
// any other clock (a fake in tests) it goes through that clock's sleep, so faking time still works.
//
// Why not one setTimeout per timer: each is a Timeout object (a dozen fields, an async id), a read
// of libuv's clock and a refcount update, then a clearTimeout, three times per request — about a
// µs per request and much of its garbage. Here, as inside node (lib/internal/timers.js), timers of
// one duration share a list in the order they are due, and that list holds one node timer, armed
// for its first entry; adding is an append, clearing an unlink. Callbacks get two arguments, so a
// caller needs no closure per timer, and the start time is the caller's (it has just read the
// clock), so arming one reads no clock.
import { systemClock, type Clock } from '../../core/clock.js';

/** An opaque handle of a pending timer. */
export type Timer = object;

/** Schedules and clears callbacks. */
export interface Timers {
  /** Monotonic ms, the clock timers are due by. */
  now(): number;
  /**
   * Calls `fn(a, b)` once, `ms` after `from` (a {@link now} reading: the caller's current time),
   * unless cleared first. As with setTimeout, `ms` below 1 (or not a number) counts as 1.
   */
  after<A, B>(ms: number, from: number, fn: (a: A, b: B) => void, a: A, b: B): Timer;
  /** Cancels a pending timer; a fired or cleared one (or undefined) is ignored. */
  clear(t: Timer | undefined): void;
}

/** Timers that follow `clock`: the engine's own lists over node timers for the system clock, its sleep otherwise. */
export function timersFor(clock: Clock): Timers {
  if (clock === systemClock) return new TimerLists(() => performance.now());
  return {
    now: () => clock.monotonicMs(),
    after: (ms, _from, fn, a, b) => {
      const stop = new AbortController();
      clock.sleep(ms, stop.signal).then(
        () => fn(a, b),
        () => {},
      );
      return stop;
    },
    clear: (t) => (t as AbortController | undefined)?.abort(),
  };
}

/** Calls `fn` once `ms` from now unless cleared: for callers off the hot path (a closure per timer). */
export function timeout(timers: Timers, ms: number, fn: () => void): Timer {
  return timers.after(ms, timers.now(), call, fn, undefined);
}

function call(fn: () => void): void {
  fn();
}

/** setTimeout's ceiling (node's TIMEOUT_MAX): longer delays fire after 1 ms, as there. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/** One pending timer, linked into its list. */
interface Entry {
  /** Monotonic ms. */
  due: number;
  fn: ((a: unknown, b: unknown) => void) | undefined;
  a: unknown;
  b: unknown;
  prev: Entry | undefined;
  next: Entry | undefined;
  /** Undefined once fired or cleared. */
  list: List | undefined;
}

/** The pending timers of one duration, first due first, and the node timer armed for the first. */
interface List {
  ms: number;
  head: Entry | undefined;
  tail: Entry | undefined;
  native: NodeJS.Timeout | undefined;
  /** When `native` is due (monotonic ms). */
  armedFor: number;
  /** Its callbacks are running: the list is re-armed once they are done. */
  firing: boolean;
  fire: () => void;
}

/**
 * Timer lists per duration. An entry fires once it is less than 1 ms from due: node's timers count
 * whole milliseconds, and re-arming for the fraction left would only make it 1 ms late.
 * A list that empties keeps its node timer armed but unref'd (it must not keep the process alive):
 * under load, lists empty and fill again between batches of requests, and clearing and re-creating
 * the node timer each time cost more than the rest. The list goes when its timer fires empty.
 */
export class TimerLists implements Timers {
  private readonly lists = new Map<number, List>();

  constructor(readonly now: () => number) {}

  after<A, B>(ms: number, from: number, fn: (a: A, b: B) => void, a: A, b: B): Timer {
    if (!(ms >= 1 && ms <= TIMEOUT_MAX)) ms = 1;
    let list = this.lists.get(ms);
    if (list === undefined) {
      const l: List = { ms, head: undefined, tail: undefined, native: undefined, armedFor: 0, firing: false, fire: () => this.fire(l) };
      this.lists.set(ms, (list = l));
    }
    const tail = list.tail;
    // Due in the order added, as `from` is the latest reading; a stale one waits for the entry before it.
    const due = tail !== undefined && tail.due > from + ms ? tail.due : from + ms;
    const e: Entry = { due, fn: fn as Entry['fn'], a, b, prev: tail, next: undefined, list };
    list.tail = e;
    if (tail !== undefined) {
      tail.next = e;
      return e;
    }
    list.head = e;
    if (list.native === undefined) this.arm(list, due, from);
    else if (!list.firing) {
      list.native.ref();
      // Still armed for an entry cleared since, normally due earlier: it fires early and re-arms.
      if (due < list.armedFor) {
        clearTimeout(list.native);
        this.arm(list, due, this.now());
      }
    }
    return e;
  }

  clear(t: Timer | undefined): void {
    const e = t as Entry | undefined;
    const list = e?.list;
    if (e === undefined || list === undefined) return;
    this.unlink(list, e);
    e.fn = e.a = e.b = undefined;
    if (list.head === undefined && !list.firing) list.native?.unref();
  }

  private arm(list: List, due: number, now: number): void {
    // Whole ms (it fires within 1 ms of due anyway): node keeps one list per distinct delay.
    list.native = setTimeout(list.fire, Math.floor(due - now));
    list.armedFor = due;
  }

  private unlink(list: List, e: Entry): void {
    if (e.prev === undefined) list.head = e.next;
    else e.prev.next = e.next;
    if (e.next === undefined) list.tail = e.prev;
    else e.next.prev = e.prev;
    e.prev = e.next = e.list = undefined;
  }

  private fire(list: List): void {
    list.firing = true;
    const now = this.now();
    try {
      // A callback may add to this list or clear any entry of it: read the head afresh each time.
      for (let e = list.head; e !== undefined && e.due - now < 1; e = list.head) {
        const { fn, a, b } = e;
        this.unlink(list, e);
        e.fn = e.a = e.b = undefined;
        fn!(a, b);
      }
    } finally {
      list.firing = false;
      const head = list.head;
      if (head === undefined) {
        list.native = undefined;
        this.lists.delete(list.ms);
      } else {
        this.arm(list, head.due, this.now());
      }
    }
  }
}
