// What the engine knows about latency: recent server-time percentiles per model × region × action
// (for adaptive per-try timeouts and hedging) and a smoothed RTT per region (for latency routing).

/** A window's values, and a sorted copy refreshed only every so many records. */
interface Window {
  values: Float64Array;
  next: number;
  size: number;
  sorted: Float64Array | undefined;
  /** Records since `sorted` was made. */
  stale: number;
}

/**
 * A bounded window of recent answer times per key, with percentiles once enough have arrived, and
 * the key's current run of timeouts with no answer in between.
 *
 * Percentiles are read on every request (the hedge delay at p95, the per-try timeout at p99):
 * sorting the window each time cost ~20 µs per request. The sorted copy is refreshed once an
 * eighth of the window (at most 32 values) has been replaced: at the default 200 values, every 25
 * records. A percentile then lags the newest ~12 % of answers, which moves a p95 or p99 little; a
 * small window (under 8 values) is re-sorted on every change, so its percentiles stay exact.
 */
export class LatencyWindows {
  private readonly windows = new Map<string, Window>();
  private readonly streaks = new Map<string, number>();
  private readonly answeredAt = new Map<string, number>();
  private readonly refreshAfter: number;

  constructor(
    private readonly capacity: number,
    private readonly minSamples: number,
  ) {
    this.refreshAfter = Math.max(1, Math.min(32, Math.floor(capacity / 8)));
  }

  /** An answer took `ms` and arrived at `at` (monotonic ms); it ends any run of timeouts. */
  record(key: string, ms: number, at: number): void {
    if (this.streaks.size > 0) this.streaks.delete(key);
    this.answeredAt.set(key, at);
    let w = this.windows.get(key);
    if (w === undefined) {
      w = { values: new Float64Array(this.capacity), next: 0, size: 0, sorted: undefined, stale: 0 };
      this.windows.set(key, w);
    }
    w.values[w.next] = ms;
    w.next = (w.next + 1) % this.capacity;
    w.size = Math.min(w.size + 1, this.capacity);
    w.stale++;
  }

  /**
   * A try that started at `startedAt` (monotonic ms) timed out. It extends the run only if no
   * answer arrived since it started: otherwise something did answer meanwhile (a retry elsewhere),
   * and the timeout says nothing about the region being slow.
   */
  timedOut(key: string, startedAt: number): void {
    if (startedAt < this.lastAnswerAt(key)) return;
    this.streaks.set(key, (this.streaks.get(key) ?? 0) + 1);
  }

  /** When the key last got an answer (monotonic ms); -Infinity before the first. */
  lastAnswerAt(key: string): number {
    return this.answeredAt.get(key) ?? -Infinity;
  }

  /** Timeouts in a row since the last answer. */
  timeoutStreak(key: string): number {
    return this.streaks.get(key) ?? 0;
  }

  /** The p-th percentile (0..1, nearest rank) of the window (as of its last refresh); undefined below `minSamples`. */
  percentile(key: string, p: number): number | undefined {
    const w = this.windows.get(key);
    if (w === undefined || w.size < this.minSamples) return undefined;
    let sorted = w.sorted;
    if (sorted === undefined || w.stale >= this.refreshAfter || (w.stale > 0 && w.size < 8)) {
      sorted = w.sorted = w.values.slice(0, w.size).sort();
      w.stale = 0;
    }
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  }
}

/** Smoothed round-trip time per region: SRTT ← (1 − α) × SRTT + α × R (RFC 6298 §2). */
export class RttEstimator {
  private readonly srtt = new Map<string, number>();

  constructor(private readonly alpha: number) {}

  observe(region: string, ms: number): void {
    const prev = this.srtt.get(region);
    this.srtt.set(region, prev === undefined ? ms : (1 - this.alpha) * prev + this.alpha * ms);
  }

  get(region: string): number | undefined {
    return this.srtt.get(region);
  }
}

/** Requests in flight per key: per endpoint, the "load" that power-of-two-choices compares; per region, what a silence is judged against. */
export class LoadTracker {
  private readonly outstanding = new Map<string, number>();

  add(key: string): void {
    this.outstanding.set(key, (this.outstanding.get(key) ?? 0) + 1);
  }

  remove(key: string): void {
    const n = (this.outstanding.get(key) ?? 1) - 1;
    if (n <= 0) this.outstanding.delete(key);
    else this.outstanding.set(key, n);
  }

  get(key: string): number {
    return this.outstanding.get(key) ?? 0;
  }
}
