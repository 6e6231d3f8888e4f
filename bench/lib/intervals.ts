// Time intervals spent inside port calls, and their union. Regions of a wave run concurrently, so
// port calls overlap: the time a rollout spends "waiting in the ports" is the wall-clock time
// during which at least one call was in progress, not the sum of the calls' durations.

/** The ports the reconciler talks through (src/rollout/ports.ts), as timed by the decorators. */
export type PortKind = 'provision' | 'retire' | 'status' | 'scale' | 'restore' | 'replicate' | 'verify' | 'republish';

export interface Interval {
  kind: PortKind;
  /** The region the call was about; undefined for republish (it covers every region). */
  region: string | undefined;
  /** performance.now() values, ms. */
  start: number;
  end: number;
  failed: boolean;
}

export class IntervalLog {
  private items: Interval[] = [];

  get all(): readonly Interval[] {
    return this.items;
  }

  clear(): void {
    this.items = [];
  }

  /** Times an async call (recorded when it settles, fulfilled or rejected). */
  async time<T>(kind: PortKind, region: string | undefined, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let failed = true;
    try {
      const v = await fn();
      failed = false;
      return v;
    } finally {
      this.items.push({ kind, region, start, end: performance.now(), failed });
    }
  }

  /** Times a synchronous call (provider.status). */
  timeSync<T>(kind: PortKind, region: string | undefined, fn: () => T): T {
    const start = performance.now();
    let failed = true;
    try {
      const v = fn();
      failed = false;
      return v;
    } finally {
      this.items.push({ kind, region, start, end: performance.now(), failed });
    }
  }
}

/** Total length of the union of the intervals, each clipped to [from, to] when given. */
export function unionMs(intervals: readonly Pick<Interval, 'start' | 'end'>[], from = -Infinity, to = Infinity): number {
  const clipped = intervals
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const i of clipped) {
    if (Number.isNaN(curEnd) || i.start > curEnd) {
      if (!Number.isNaN(curEnd)) total += curEnd - curStart;
      curStart = i.start;
      curEnd = i.end;
    } else if (i.end > curEnd) {
      curEnd = i.end;
    }
  }
  if (!Number.isNaN(curEnd)) total += curEnd - curStart;
  return total;
}

/** Sum of the intervals' durations (overlaps counted twice): how much port work there was. */
export function sumMs(intervals: readonly Pick<Interval, 'start' | 'end'>[]): number {
  return intervals.reduce((s, i) => s + (i.end - i.start), 0);
}
