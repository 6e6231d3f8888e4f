// A bounded sample of recent answers per model × region × version, for release analysis: the
// outputs themselves (judging a model's answers, not only its errors and latency) and the latency
// of the attempt that produced them. Mirror copies are kept too, flagged, so a candidate version
// can be compared on the same traffic as the one serving it.
import type { OutputSample, SampledOutput } from './types.js';

/** Ring buffers of samples, `capacity` per model × region × version. */
export class OutputSamples {
  private readonly rings = new Map<string, { model: string; items: OutputSample[]; next: number }>();

  constructor(private readonly capacity: number) {}

  record(model: string, sample: OutputSample): void {
    const key = `${model}\u0000${sample.region}\u0000${sample.version}`;
    let ring = this.rings.get(key);
    if (ring === undefined) {
      ring = { model, items: [], next: 0 };
      this.rings.set(key, ring);
    }
    if (ring.items.length < this.capacity) ring.items.push(sample);
    else ring.items[ring.next] = sample;
    ring.next = (ring.next + 1) % this.capacity;
  }

  /** The model's samples, every region × version, oldest first within each. */
  list(model: string): OutputSample[] {
    const out: OutputSample[] = [];
    for (const ring of this.rings.values()) {
      if (ring.model !== model) continue;
      const n = ring.items.length;
      const start = n < this.capacity ? 0 : ring.next;
      for (let i = 0; i < n; i++) out.push(ring.items[(start + i) % n]!);
    }
    return out;
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
