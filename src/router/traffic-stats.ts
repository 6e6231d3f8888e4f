// Counts which region served each model's requests over a sliding window, so `meridian status`
// reports the traffic share regions really received (not a configured intention).
export class TrafficStats {
  private readonly hits: { at: number; model: string; region: string }[] = [];

  constructor(private readonly windowMs = 60_000) {}

  record(model: string, region: string, now = Date.now()): void {
    this.hits.push({ at: now, model, region });
    this.trim(now);
  }

  /** Share of the model's requests per region in the window; {} when it had none. */
  shares(model: string, now = Date.now()): Record<string, number> {
    this.trim(now);
    const mine = this.hits.filter((h) => h.model === model);
    const out: Record<string, number> = {};
    for (const h of mine) out[h.region] = (out[h.region] ?? 0) + 1 / mine.length;
    return out;
  }

  private trim(now: number): void {
    let drop = 0;
    while (drop < this.hits.length && this.hits[drop]!.at < now - this.windowMs) drop++;
    if (drop > 0) this.hits.splice(0, drop);
  }
}
