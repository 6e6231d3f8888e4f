// Test helper: AnalysisSample builders for crafted comparisons where the right verdict is known.
import type { AnalysisSample } from '../../../src/rollout/analysis/index.js';
import { mulberry32 } from '../../../src/examples/prng.js';

export function sample(fields: Partial<AnalysisSample> = {}): AnalysisSample {
  return { region: 'us-east-1', version: 'v2', time: 0, latencyMs: 10, status: 200, outputs: [], mirror: false, ...fields };
}

/** `count` samples; `each(i)` sets the fields of the i-th. */
export function samples(count: number, each: (i: number) => Partial<AnalysisSample> = () => ({})): AnalysisSample[] {
  return Array.from({ length: count }, (_, i) => sample({ time: i, ...each(i) }));
}

/** A one-row classifier answer as the model server returns it: probabilities [1, n] and label [1]. */
export function classifierOutputs(probabilities: readonly number[], label?: number): AnalysisSample['outputs'] {
  const top = label ?? probabilities.indexOf(Math.max(...probabilities));
  return [
    { name: 'probabilities', datatype: 'FP32', shape: [1, probabilities.length], data: [...probabilities] },
    { name: 'label', datatype: 'INT64', shape: [1], data: [top] },
  ];
}

/** Latencies spread deterministically around `medianMs` (uniform ± spreadMs), seeded. */
export function latencies(count: number, medianMs: number, spreadMs: number, seed: number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => medianMs + (rng() * 2 - 1) * spreadMs);
}
