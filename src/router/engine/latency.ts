// What the engine knows about latency: recent server-time percentiles per model × region × action
// (for adaptive per-try timeouts and hedging) and a smoothed RTT per region (for latency routing).

/** A window's values, and a sorted copy refreshed only every so many records. */
interface Window {
  values: Float64Array;
  next: number;
  size: number;
  /** The window as of the last refresh, ascending, in its first `sortedSize` slots; undefined before the first. */
  sorted: Float64Array | undefined;
  sortedSize: number;
  /** The next refresh's output (swapped with `sorted`): a refresh allocates nothing. */
  spare: Float64Array | undefined;
  /** Records since `sorted` was made. */
  stale: number;
  /** The values those records overwrote (the window was full): the first `replacedCount`, at most a window's worth. */
  replaced: Float64Array;
  replacedCount: number;
  /** NaNs and negative zeros now in the window, and whether `sorted` holds any: a merge cannot order them as a sort does. */
  odd: number;
  sortedOdd: boolean;
  /** When the last answer arrived (monotonic ms): a field updated in place, where a map would box a new number each time. */
  answeredAt: number;
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
 * A refresh does not sort the whole window again (a typed-array sort of 200 values takes ~6 µs,
 * a quarter of a µs per request): it drops the values replaced since from the previous sorted copy
 * and merges in the new ones, which gives the same array in one pass.
 */
export class LatencyWindows {
  private readonly windows = new Map<string, Window>();
  private readonly streaks = new Map<string, number>();
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
    let w = this.windows.get(key);
    if (w === undefined) {
      const cap = this.capacity;
      w = { values: new Float64Array(cap), next: 0, size: 0, sorted: undefined, sortedSize: 0, spare: undefined, stale: 0, replaced: new Float64Array(cap), replacedCount: 0, odd: 0, sortedOdd: false, answeredAt: at };
      this.windows.set(key, w);
    }
    w.answeredAt = at;
    if (w.size === this.capacity) {
      const old = w.values[w.next]!;
      if (isOdd(old)) w.odd--;
      if (w.replacedCount < this.capacity) w.replaced[w.replacedCount++] = old;
    }
    if (isOdd(ms)) w.odd++;
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
    return this.windows.get(key)?.answeredAt ?? -Infinity;
  }

  /** Timeouts in a row since the last answer. */
  timeoutStreak(key: string): number {
    return this.streaks.get(key) ?? 0;
  }

  /** The p-th percentile (0..1, nearest rank) of the window (as of its last refresh); undefined below `minSamples`. */
  percentile(key: string, p: number): number | undefined {
    const w = this.windows.get(key);
    if (w === undefined || w.size < this.minSamples) return undefined;
    if (w.sorted === undefined || w.stale >= this.refreshAfter || (w.stale > 0 && w.size < 8)) refresh(w);
    const n = w.sortedSize;
    return w.sorted![Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  }
}

/** NaN and -0: a typed-array sort puts NaN last and -0 before 0, where comparisons see no order. */
function isOdd(v: number): boolean {
  return v !== v || (v === 0 && 1 / v < 0);
}

/** Makes `w.sorted` the window's values in the order `Float64Array.prototype.sort` gives them. */
function refresh(w: Window): void {
  const cap = w.values.length;
  const prev = w.sorted;
  const out = w.spare ?? new Float64Array(cap);
  // The merge needs every replaced value in the previous copy (more records than the window holds
  // would have replaced some that came after it), and pays off for a few dozen new values.
  if (prev === undefined || w.stale > Math.min(cap, MAX_MERGED) || w.odd > 0 || w.sortedOdd) {
    out.set(w.values.subarray(0, w.size));
    out.subarray(0, w.size).sort();
  } else {
    // The new values are the last `stale` records; sorted where the replaced ones go (a few dozen at most).
    const added = w.stale;
    const fresh = scratch;
    for (let k = 0; k < added; k++) fresh[k] = w.values[(w.next - added + k + cap) % cap]!;
    insertionSort(fresh, added);
    const gone = w.replaced;
    const goneCount = w.replacedCount;
    insertionSort(gone, goneCount);
    const n = w.sortedSize;
    let i = 0;
    let g = 0;
    let f = 0;
    let o = 0;
    while (i < n) {
      const v = prev[i++]!;
      // Equal doubles are interchangeable: drop one occurrence per replaced value.
      if (g < goneCount && gone[g] === v) {
        g++;
        continue;
      }
      while (f < added && fresh[f]! < v) out[o++] = fresh[f++]!;
      out[o++] = v;
    }
    while (f < added) out[o++] = fresh[f++]!;
  }
  w.spare = prev;
  w.sorted = out;
  w.sortedSize = w.size;
  w.sortedOdd = w.odd > 0;
  w.stale = 0;
  w.replacedCount = 0;
}

/** More new values than this are sorted with the rest: insertion sorts them in quadratic time. */
const MAX_MERGED = 64;

/** A refresh's new values (refreshes run one at a time, synchronously). */
const scratch = new Float64Array(MAX_MERGED);

function insertionSort(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Smoothed round-trip time per region: SRTT ← (1 − α) × SRTT + α × R (RFC 6298 §2). */
export class RttEstimator {
  /** Boxes updated in place: a map of numbers would allocate one per observation. */
  private readonly srtt = new Map<string, { ms: number }>();

  constructor(private readonly alpha: number) {}

  observe(region: string, ms: number): void {
    const prev = this.srtt.get(region);
    if (prev === undefined) this.srtt.set(region, { ms });
    else prev.ms = (1 - this.alpha) * prev.ms + this.alpha * ms;
  }

  get(region: string): number | undefined {
    return this.srtt.get(region)?.ms;
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
