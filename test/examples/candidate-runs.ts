// Test helper: the iris candidates built in memory (the same bytes build.ts writes) next to v2,
// and one-row-per-request runs through real onnxruntime, as a model server answers them.
import * as ort from 'onnxruntime-node';
import { buildIrisCandidate, IRIS_CANDIDATES, trainIrisVersion, type BuiltCandidate, type IrisCandidateKey, type TrainedIris } from '../../src/examples/index.js';
import { irisModelBytes } from '../../src/examples/iris-model.js';
import { IRIS_V2 } from '../../src/examples/train-iris.js';

export interface CandidateSet {
  readonly v2: TrainedIris;
  readonly v2Bytes: Uint8Array;
  readonly candidates: ReadonlyMap<IrisCandidateKey, BuiltCandidate>;
}

export function buildCandidateSet(): CandidateSet {
  const v2 = trainIrisVersion(IRIS_V2);
  const v2Bytes = irisModelBytes(v2.params, IRIS_V2, v2.data.classes, v2.report);
  return { v2, v2Bytes, candidates: new Map(IRIS_CANDIDATES.map((c) => [c.key, buildIrisCandidate(c, v2)])) };
}

/** One thread, as the model server's workers run; fatal-only logging keeps failing runs quiet. */
export function openSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4 });
}

export type RowAnswer =
  | { readonly ok: true; readonly probabilities: number[]; readonly label: number; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly ms: number };

/** Runs every row as its own request (batch of one); a failed run is recorded, not thrown. */
export async function answerRows(session: ort.InferenceSession, rows: readonly (readonly number[])[]): Promise<RowAnswer[]> {
  const out: RowAnswer[] = [];
  for (const row of rows) {
    const started = performance.now();
    try {
      const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(row), [1, 4]) });
      const ms = performance.now() - started;
      const probabilities = Array.from(result.probabilities!.data as Float32Array);
      out.push({ ok: true, probabilities, label: Number((result.label!.data as BigInt64Array)[0]), ms });
    } catch (e) {
      out.push({ ok: false, error: e instanceof Error ? e.message : String(e), ms: performance.now() - started });
    }
  }
  return out;
}

/** Shares of each class 0..2 among the answered rows' labels. */
export function labelShares(answers: readonly RowAnswer[]): number[] {
  const labels = answers.flatMap((a) => (a.ok ? [a.label] : []));
  return [0, 1, 2].map((k) => labels.filter((l) => l === k).length / labels.length);
}
