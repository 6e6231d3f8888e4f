// A bounded record of recent attempt outcomes per model × region × version, for release analysis:
// the outputs themselves (judging a model's answers, not only its errors and latency), the status
// (errors included: a candidate that failed and was retried elsewhere must count against it) and
// the latency. Mirror copies are kept too, flagged, with the request id of the answer they shadow,
// so a candidate version can be compared on the same traffic as the one serving it.
// The control plane polls with `since` (the newest time it has seen) a few times a second; times
// are made strictly increasing here so that such a poll never misses a sample recorded in the
// same millisecond after it.
import type { OutputSample, SampledOutput } from './types.js';

interface Ring {
  model: string;
  items: OutputSample[];
  next: number;
}

/** Ring buffers of samples, `capacity` per model × region × version. */
export class OutputSamples {
  private readonly rings = new Map<string, Ring>();
  private lastTime = -Infinity;

  constructor(
    private readonly capacity: number,
    private readonly now: () => number,
  ) {}

  /** Records a sample; its `time` is set here: now, or 1 µs after the previous sample if the clock has not moved on. */
  record(model: string, sample: Omit<OutputSample, 'time'>): void {
    const now = this.now();
    const time = now > this.lastTime ? now : this.lastTime + 0.001;
    this.lastTime = time;
    // Field order is the JSON's: id, where, when, then what.
    const s: OutputSample = { requestId: sample.requestId, region: sample.region, version: sample.version, time, latencyMs: sample.latencyMs, status: sample.status, outputs: sample.outputs, mirror: sample.mirror, role: sample.role };
    const key = `${model}\u0000${s.region}\u0000${s.version}`;
    let ring = this.rings.get(key);
    if (ring === undefined) {
      ring = { model, items: [], next: 0 };
      this.rings.set(key, ring);
    }
    if (ring.items.length < this.capacity) ring.items.push(s);
    else ring.items[ring.next] = s;
    ring.next = (ring.next + 1) % this.capacity;
  }

  /** The model's samples with `time` > `since` (all without it), every region × version, oldest first. */
  list(model: string, since = -Infinity): OutputSample[] {
    const out: OutputSample[] = [];
    for (const ring of this.rings.values()) {
      if (ring.model !== model) continue;
      const n = ring.items.length;
      const newest = (ring.next - 1 + n) % Math.max(1, n);
      // Newest first until one is not newer than `since`: a poll costs what is new, not the ring.
      const fresh: OutputSample[] = [];
      for (let i = 0; i < n; i++) {
        const s = ring.items[(newest - i + n) % n]!;
        if (s.time <= since) break;
        fresh.push(s);
      }
      for (let i = fresh.length - 1; i >= 0; i--) out.push(fresh[i]!);
    }
    return out.sort((a, b) => a.time - b.time);
  }
}

/**
 * The `outputs` of an OIP inference response (inference_rest.md, "Inference Response JSON
 * Object"), each keeping its first `maxValues` data values; [] when the body is not such a response.
 */
export function sampleOutputs(body: Buffer, maxValues: number): SampledOutput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const outputs = (parsed as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) return [];
  return outputs.flatMap((o: unknown): SampledOutput[] => {
    if (typeof o !== 'object' || o === null) return [];
    const t = o as { name?: unknown; datatype?: unknown; shape?: unknown; data?: unknown };
    const data = Array.isArray(t.data) ? firstValues(t.data as unknown[], maxValues) : [];
    return [
      {
        name: typeof t.name === 'string' ? t.name : '',
        datatype: typeof t.datatype === 'string' ? t.datatype : '',
        shape: Array.isArray(t.shape) ? t.shape.filter((d): d is number => typeof d === 'number') : [],
        data,
      },
    ];
  });
}

/** The first `n` leaves of a possibly nested array (OIP allows nested `data`), without flattening all of it. */
function firstValues(data: readonly unknown[], n: number): unknown[] {
  const out: unknown[] = [];
  const walk = (xs: readonly unknown[]): void => {
    for (const x of xs) {
      if (out.length >= n) return;
      if (Array.isArray(x)) walk(x as unknown[]);
      else out.push(x);
    }
  };
  walk(data);
  return out;
}
