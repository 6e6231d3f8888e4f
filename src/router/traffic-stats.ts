// Counts which region served each model's requests over a sliding window. Routers expose the
// counts (GET /stats); the control plane sums them over its routers, so `meridian status` shows
// the traffic share regions really received, not an intention.
// Counts are kept per second, not per request: at thousands of requests a second a list of every
// hit would hold a minute of them and shift its head on every request.

/** One second's counts per model and region. */
interface Bucket {
  /** Start of the second, epoch ms. */
  at: number;
  counts: Map<string, Map<string, number>>;
}

const BUCKET_MS = 1000;

export class TrafficStats {
  private readonly buckets: Bucket[] = [];

  constructor(readonly windowMs = 60_000) {}

  record(model: string, region: string, now = Date.now()): void {
    const at = now - (now % BUCKET_MS);
    let b = this.buckets[this.buckets.length - 1];
    // A wall clock that stepped back counts in the newest second rather than reordering the list.
    if (b === undefined || b.at < at) {
      b = { at, counts: new Map() };
      this.buckets.push(b);
      this.trim(now);
    }
    let m = b.counts.get(model);
    if (m === undefined) {
      m = new Map();
      b.counts.set(model, m);
    }
    m.set(region, (m.get(region) ?? 0) + 1);
  }

  /** Requests per model and region in the window (to the second). */
  counts(now = Date.now()): Record<string, Record<string, number>> {
    this.trim(now);
    const out: Record<string, Record<string, number>> = {};
    for (const b of this.buckets) {
      for (const [model, regions] of b.counts) {
        const m = (out[model] ??= {});
        for (const [region, n] of regions) m[region] = (m[region] ?? 0) + n;
      }
    }
    return out;
  }

  /** Drops the seconds that ended before the window began. */
  private trim(now: number): void {
    let drop = 0;
    while (drop < this.buckets.length && this.buckets[drop]!.at + BUCKET_MS <= now - this.windowMs) drop++;
    if (drop > 0) this.buckets.splice(0, drop);
  }
}

/** Shares per region from summed counts; {} when the model had no traffic. */
export function sharesOf(counts: readonly Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [r, n] of Object.entries(c)) sum[r] = (sum[r] ?? 0) + n;
  const total = Object.values(sum).reduce((a, b) => a + b, 0);
  return total === 0 ? {} : Object.fromEntries(Object.entries(sum).map(([r, n]) => [r, n / total]));
}
