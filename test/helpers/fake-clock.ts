// A Clock whose time moves only when nothing else is happening: every sleep registers a deadline,
// and once the process has been idle for a moment the clock jumps to the earliest one. Strategy
// tests thus bake for "30 s" in milliseconds, in the same order real time would give. `hold()`
// freezes time (to act between two steps); `release()` lets it run again.
import type { Clock } from '../../src/core/clock.js';

interface Sleeper {
  at: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private sleepers: Sleeper[] = [];
  private held = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  monotonicMs(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const s: Sleeper = {
        at: this.t + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(s);
      this.schedule();
    });
  }

  /** Moves time forward by `ms`, waking every sleeper due. */
  advance(ms: number): void {
    this.t += ms;
    this.wake();
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.schedule();
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
  }

  /** After a few idle real milliseconds, jump to the next deadline. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.held || this.sleepers.length === 0) return;
      const next = Math.min(...this.sleepers.map((s) => s.at));
      if (next > this.t) this.t = next;
      this.wake();
      if (this.sleepers.length > 0) this.schedule();
    }, 3);
  }
}
