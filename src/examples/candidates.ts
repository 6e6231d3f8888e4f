// Candidate iris versions for release-strategy tests and the safety benchmark: two good retrains of
// v2 and five bad releases, each bad in one way real releases are. All share v2's signature, load in
// onnxruntime and reproduce their own golden examples, so they pass `meridian models push` and
// region verification like a bad model that passed offline checks; only analysis of live traffic
// (errors, latency, answers) can tell them apart from a good one.
import type { FeatureBox } from './candidate-graphs.js';
import { IRIS_V2 } from './train-iris.js';

/** What is wrong with a candidate; 'none' for a good one. */
export type IrisCandidateFault =
  /** A retrain of v2 with another seed: as accurate, slightly different scores. */
  | 'none'
  /** onnxruntime raises an error on requests holding a row inside IRIS_ERROR_BOX. */
  | 'errors'
  /** v2's answers after SLOWDOWN's input-dependent extra work. */
  | 'slow'
  /** v2 with its classes permuted (CLASS_PERMUTATION): healthy errors and latency, wrong answers. */
  | 'wrong'
  /** v2 softened and pushed toward virginica (SHIFT): miscalibrated, label shares move. */
  | 'shifted'
  /** Never answers requests holding a row inside IRIS_HANG_BOX. */
  | 'hang';

export const IRIS_CANDIDATE_KEYS = ['iris-good-a', 'iris-good-b', 'iris-bad-errors', 'iris-bad-slow', 'iris-bad-wrong', 'iris-bad-shifted', 'iris-bad-hang'] as const;
export type IrisCandidateKey = (typeof IRIS_CANDIDATE_KEYS)[number];

export interface IrisCandidate {
  readonly key: IrisCandidateKey;
  /** The version it is pushed as under model `iris`; the file is `${key}.onnx`. */
  readonly version: string;
  readonly fault: IrisCandidateFault;
  /** v2's recipe is trained with this seed; bad candidates start from v2 itself. */
  readonly trainingSeed: number;
  /** One line for the doc_string and the manifest. */
  readonly description: string;
}

/** Bad candidates are v2 itself plus one fault. */
const V2_SEED = IRIS_V2.seed;

/*
 * Triggers. Golden examples (artifacts/golden.ts) draw every feature independently and uniformly
 * from [0, 8) cm, 8 rows with seed 1; a model server warms up on a row of zeros. Real flowers sit on
 * a thin slice of that cube (sepals 4–8 cm long but 2–4.5 cm wide, petal width tied to petal
 * length), so a box around a cluster of real flowers holds a large share of real traffic but a
 * tiny share of the cube: 8 uniform rows land in IRIS_ERROR_BOX with probability
 * 1 − (1 − 3.3e-4)^8 ≈ 0.26% and in IRIS_HANG_BOX ≈ 0.22% for a random seed (1 and 0 of seeds
 * 1–200 do), and the registry's seed 1 and the zero row land in neither. The candidate tests check
 * all of this, and that region verification passes.
 */

/** Versicolor-like flowers (27% of the data set, ≈ 25% of drawIrisRows traffic): requests holding one fail. */
export const IRIS_ERROR_BOX: FeatureBox = [
  [5.5, 7.0],
  [2.2, 3.2],
  [3.5, 5.0],
  [1.0, 1.6],
];

/** Large virginica-like flowers (17% of the data set, ≈ 15% of drawIrisRows traffic): requests holding one never return. */
export const IRIS_HANG_BOX: FeatureBox = [
  [6.0, 7.5],
  [2.7, 3.4],
  [5.0, 6.5],
  [1.8, 2.5],
];

/**
 * bad-slow's extra work per inference, whatever its batch size (under dynamic batching, the
 * requests merged into one batch share it): this many squarings of a size × size float32 matrix
 * (2·256³ ≈ 34 Mflop each; the matrix stays in L2). Measured at ≈ +33 ms per one-row request on
 * one onnxruntime thread of a 2-core cloud VM (v2 itself takes ≈ 0.02 ms): slow enough to matter,
 * far under region verification's 500 ms p99 budget.
 */
export const SLOWDOWN = { size: 256, iterations: 200 } as const;

/**
 * bad-wrong's score column k holds v2's column CLASS_PERMUTATION[k]: where v2 answers versicolor (1)
 * it answers setosa (0), and so on. A cycle, so every answer is wrong while class shares are kept.
 */
export const CLASS_PERMUTATION: readonly number[] = [1, 2, 0];

/**
 * bad-shifted's logits are v2's ÷ temperature + delta on classIndex (virginica). The temperature
 * matters: v2's logits are large, so a bias alone barely moves its answers. On realistic rows the
 * versicolor share falls from ≈ 0.33 to ≈ 0.19, the mean top score from ≈ 0.98 to ≈ 0.86, and
 * accuracy from ≈ 0.98 to ≈ 0.87.
 */
export const SHIFT = { temperature: 3, classIndex: 2, delta: 3 } as const;

export const IRIS_CANDIDATES: readonly IrisCandidate[] = [
  { key: 'iris-good-a', version: 'good-a', fault: 'none', trainingSeed: 4004, description: 'v2 recipe retrained with seed 4004' },
  { key: 'iris-good-b', version: 'good-b', fault: 'none', trainingSeed: 5005, description: 'v2 recipe retrained with seed 5005' },
  { key: 'iris-bad-errors', version: 'bad-errors', fault: 'errors', trainingSeed: V2_SEED, description: 'v2 that fails requests holding a versicolor-like row (Gather out of bounds)' },
  { key: 'iris-bad-slow', version: 'bad-slow', fault: 'slow', trainingSeed: V2_SEED, description: "v2's answers after input-dependent matrix work (slower per request)" },
  { key: 'iris-bad-wrong', version: 'bad-wrong', fault: 'wrong', trainingSeed: V2_SEED, description: 'v2 with its classes permuted (probabilities columns and labels)' },
  { key: 'iris-bad-shifted', version: 'bad-shifted', fault: 'shifted', trainingSeed: V2_SEED, description: 'v2 softened (temperature 3) and pushed toward virginica (+3 on its logit)' },
  { key: 'iris-bad-hang', version: 'bad-hang', fault: 'hang', trainingSeed: V2_SEED, description: 'v2 that never answers requests holding a large virginica-like row (Loop of 2^40 steps)' },
];
