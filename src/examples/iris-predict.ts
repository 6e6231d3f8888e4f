// The iris classifier's parameters and its TypeScript reference forward pass: the exported ONNX
// graph (iris-model.ts) computes exactly this, and the tests compare the two on all 150 rows.
import { argmax, denseForward, softmax, type DenseLayer } from './dense.js';

export interface IrisParams {
  /** Per-feature training-set mean and standard deviation, baked into the graph (Sub, Div) so clients send raw cm. */
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** Dense layers on the standardised features; the last has 3 outputs (logits), no ReLU. */
  readonly layers: readonly DenseLayer[];
}

export interface IrisPrediction {
  /** Softmax over the 3 classes, per row. */
  readonly probabilities: Float64Array[];
  /** argmax of `probabilities`, per row: index into IrisData.classes. */
  readonly labels: number[];
}

/** Reference forward pass: standardise, dense layers, softmax, argmax. */
export function irisPredict(params: IrisParams, rows: readonly (readonly number[])[]): IrisPrediction {
  const probabilities = rows.map((row) => {
    const standardised = row.map((x, i) => (x - (params.mean[i] as number)) / (params.std[i] as number));
    return softmax(denseForward(params.layers, standardised));
  });
  return { probabilities, labels: probabilities.map((p) => argmax(p)) };
}

/** Fraction of `indices` whose predicted label equals the true one. */
export function irisAccuracy(
  params: IrisParams,
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  indices: readonly number[],
): number {
  const predicted = irisPredict(params, indices.map((i) => rows[i] as number[])).labels;
  const correct = predicted.filter((label, k) => label === labels[indices[k] as number]).length;
  return correct / indices.length;
}
