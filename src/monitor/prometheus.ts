// A small Prometheus registry producing the text exposition format (version 0.0.4). Names follow
// Prometheus conventions: base units in the name (`_seconds`, `_bytes`), `_total` only on counters;
// `promtool check metrics` runs over our output in the tests.
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`);
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

interface Metric {
  readonly name: string;
  render(): string;
}

abstract class Series<V> implements Metric {
  protected readonly values = new Map<string, { labels: Labels; value: V }>();
  /** Hot paths pass the same labels object every time: skip building the key for it. */
  private readonly byObject = new WeakMap<Labels, { labels: Labels; value: V }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  protected slot(labels: Labels, init: () => V): { labels: Labels; value: V } {
    const hit = this.byObject.get(labels);
    if (hit !== undefined) return hit;
    const k = key(labels);
    let s = this.values.get(k);
    if (s === undefined) {
      s = { labels: { ...labels }, value: init() };
      this.values.set(k, s);
    }
    // Label objects are treated as immutable once used (callers build them once, or per call).
    this.byObject.set(labels, s);
    return s;
  }
  protected abstract lines(labels: Labels, value: V): string[];
  render(): string {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values()) out.push(...this.lines(labels, value));
    return out.join('\n');
  }
}

export class Counter extends Series<number> {
  constructor(name: string, help: string) {
    if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    this.slot(labels, () => 0).value += by;
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0;
  }
  protected lines(labels: Labels, v: number): string[] {
    return [`${this.name}${formatLabels(labels)} ${formatNumber(v)}`];
  }
}

export class Gauge extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  set(labels: Labels, v: number): void {
    this.slot(labels, () => 0).value = v;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.slot(labels, () => 0).value += by;
  }
  dec(labels: Labels = {}, by = 1): void {
    this.slot(labels, () => 0).value -= by;
  }
  protected lines(labels: Labels, v: number): string[] {
    return [`${this.name}${formatLabels(labels)} ${formatNumber(v)}`];
  }
}

interface HistogramValue {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Series<HistogramValue> {
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, v: number): void {
    const s = this.slot(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 })).value;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) s.counts[i]!++;
    s.sum += v;
    s.count++;
  }
  protected lines(labels: Labels, v: HistogramValue): string[] {
    const out = this.buckets.map((b, i) => `${this.name}_bucket${formatLabels(labels, ['le', formatNumber(b)])} ${v.counts[i]}`);
    out.push(`${this.name}_bucket${formatLabels(labels, ['le', '+Inf'])} ${v.count}`);
    out.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(v.sum)}`);
    out.push(`${this.name}_count${formatLabels(labels)} ${v.count}`);
    return out;
  }
}

/** Latency buckets in seconds, 0.5 ms to 10 s: inference on CPU spans that range. */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class Registry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.push(m);
    return m;
  }
  counter(name: string, help: string): Counter {
    return this.register(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.register(new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, buckets));
  }
  /** The text exposition format; served with content type {@link CONTENT_TYPE}. */
  render(): string {
    return this.metrics.map((m) => m.render()).join('\n') + '\n';
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
