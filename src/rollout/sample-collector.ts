// Gathers what the routers recorded — each attempt's region, version, status, latency and sampled
// outputs — by polling every registered router's `GET /samples/{model}?since=…`, and keeps a few
// minutes of it per model: the analysis judges read it (AnalysisSource), and so do the time series
// the dashboard draws.
import { messageOf } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { AnalysisSample } from './analysis/types.js';
import type { AnalysisSource } from './ports.js';

export interface SampleCollectorOptions {
  /** The routers to poll, by base URL (they register while watching the routing table). */
  routers(): string[];
  /** Models worth polling (those placed somewhere). */
  models(): Promise<string[]>;
  /** The share of a model's requests routers record now (the routing table's sampleRate), to scale counts back up. */
  sampleRate?(model: string): number;
  logger: Logger;
  /** 250 ms: a failing canary is seen within about a quarter second of the router seeing it. */
  intervalMs?: number;
  /** How much history to keep per model. */
  retentionMs?: number;
  /** Bound on kept samples per model, whatever the traffic. */
  maxPerModel?: number;
  now?: () => number;
}

/** One bucket of a region × version time series. */
export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface SeriesLine {
  region: string;
  version: string;
  mirror: boolean;
  points: SeriesPoint[];
}

export class SampleCollector implements AnalysisSource {
  private readonly byModel = new Map<string, AnalysisSample[]>();
  /** Per router URL and model: the newest sample time seen (the router's clock). */
  private readonly since = new Map<string, number>();
  /** Models whose list got a sample older than its last one (several routers): sorted before trimming. */
  private readonly unsorted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly retentionMs: number;
  private readonly maxPerModel: number;
  private readonly now: () => number;

  constructor(private readonly o: SampleCollectorOptions) {
    this.intervalMs = o.intervalMs ?? 250;
    this.retentionMs = o.retentionMs ?? 10 * 60_000;
    this.maxPerModel = o.maxPerModel ?? 200_000;
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.polling === undefined) this.polling = this.poll().finally(() => (this.polling = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** Polls every router once (also used by tests and before a final verdict). */
  async poll(): Promise<void> {
    const models = await this.o.models();
    await Promise.all(this.o.routers().flatMap((url) => models.map((m) => this.pollOne(url, m))));
    this.trim();
  }

  samples(model: string, fromMs: number, toMs: number): AnalysisSample[] {
    return (this.byModel.get(model) ?? []).filter((s) => s.time >= fromMs && s.time <= toMs);
  }

  /**
   * Requests, errors and latency percentiles per region × version in buckets of `bucketMs`, for
   * the last `windowMs`. Counts are estimates: samples ÷ the model's current sample rate.
   */
  series(model: string, windowMs: number, bucketMs: number): SeriesLine[] {
    const end = this.now();
    const start = Math.floor((end - windowMs) / bucketMs) * bucketMs;
    const lines = new Map<string, { line: SeriesLine; buckets: Map<number, number[]>; errors: Map<number, number> }>();
    for (const s of this.samples(model, start, end)) {
      const key = `${s.region}\u0000${s.version}\u0000${s.mirror}`;
      let l = lines.get(key);
      if (l === undefined) {
        l = { line: { region: s.region, version: s.version, mirror: s.mirror, points: [] }, buckets: new Map(), errors: new Map() };
        lines.set(key, l);
      }
      const b = Math.floor(s.time / bucketMs) * bucketMs;
      if (!l.buckets.has(b)) l.buckets.set(b, []);
      if (s.status >= 500) l.errors.set(b, (l.errors.get(b) ?? 0) + 1);
      else l.buckets.get(b)!.push(s.latencyMs);
      if (s.status >= 500 && !l.buckets.has(b)) l.buckets.set(b, []);
    }
    const out: SeriesLine[] = [];
    const rate = Math.max(1e-6, this.o.sampleRate?.(model) ?? 1);
    for (const l of lines.values()) {
      for (let t = start; t < end; t += bucketMs) {
        const ok = (l.buckets.get(t) ?? []).sort((a, b) => a - b);
        const errors = l.errors.get(t) ?? 0;
        l.line.points.push({ t, requests: Math.round((ok.length + errors) / rate), errors: Math.round(errors / rate), p50Ms: quantile(ok, 0.5), p99Ms: quantile(ok, 0.99) });
      }
      out.push(l.line);
    }
    return out.sort((a, b) => a.region.localeCompare(b.region) || a.version.localeCompare(b.version) || Number(a.mirror) - Number(b.mirror));
  }

  private async pollOne(url: string, model: string): Promise<void> {
    const key = `${url}\u0000${model}`;
    const since = this.since.get(key) ?? 0;
    try {
      const res = await fetch(`${url}/samples/${encodeURIComponent(model)}?since=${since}`, { signal: AbortSignal.timeout(2000) });
      if (res.status !== 200) return;
      const body = (await res.json());
      const list = (Array.isArray(body) ? body : ((body as { samples?: unknown[] }).samples ?? [])) as AnalysisSample[];
      if (list.length === 0) return;
      let newest = since;
      const kept = this.byModel.get(model) ?? [];
      for (const s of list) {
        if (s.time <= since) continue;
        if (kept.length > 0 && s.time < kept[kept.length - 1]!.time) this.unsorted.add(model);
        kept.push(s);
        if (s.time > newest) newest = s.time;
      }
      this.byModel.set(model, kept);
      this.since.set(key, newest);
    } catch (e) {
      this.o.logger.log('debug', 'samples.poll_failed', { router: url, model, error: messageOf(e) });
    }
  }

  private trim(): void {
    const oldest = this.now() - this.retentionMs;
    for (const [model, list] of this.byModel) {
      let drop = 0;
      // Each router's samples come in time order; merging several needs a sort so trimming stays a prefix cut.
      if (this.unsorted.delete(model)) list.sort((a, b) => a.time - b.time);
      while (drop < list.length && list[drop]!.time < oldest) drop++;
      if (list.length - drop > this.maxPerModel) drop = list.length - this.maxPerModel;
      if (drop > 0) this.byModel.set(model, list.slice(drop));
    }
  }
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}
