// Counts which region served each model's requests over a sliding window. Routers expose the
// counts (GET /stats); the control plane sums them over its routers, so `meridian status` shows
// the traffic share regions really received, not an intention.
export class TrafficStats {
  private readonly hits: { at: number; model: string; region: string }[] = [];

  constructor(readonly windowMs = 60_000) {}

  record(model: string, region: string, now = Date.now()): void {
    this.hits.push({ at: now, model, region });
    this.trim(now);
  }

  /** Requests per model and region in the window. */
  counts(now = Date.now()): Record<string, Record<string, number>> {
    this.trim(now);
    const out: Record<string, Record<string, number>> = {};
    for (const h of this.hits) {
      const m = (out[h.model] ??= {});
      m[h.region] = (m[h.region] ?? 0) + 1;
    }
    return out;
  }

  private trim(now: number): void {
    let drop = 0;
    while (drop < this.hits.length && this.hits[drop]!.at < now - this.windowMs) drop++;
    if (drop > 0) this.hits.splice(0, drop);
  }
}

/** Shares per region from summed counts; {} when the model had no traffic. */
export function sharesOf(counts: readonly Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [r, n] of Object.entries(c)) sum[r] = (sum[r] ?? 0) + n;
  const total = Object.values(sum).reduce((a, b) => a + b, 0);
  return total === 0 ? {} : Object.fromEntries(Object.entries(sum).map(([r, n]) => [r, n / total]));
}
