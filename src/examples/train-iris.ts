// Trains the two iris classifier versions in TypeScript: full-batch gradient descent with momentum
// on softmax cross-entropy. Small and deterministic rather than state of the art: the point is two
// versions whose held-out accuracy differs measurably, rebuilt byte for byte from a seed.
import { glorotLayer, softmax, type DenseLayer } from './dense.js';
import { IRIS_FEATURES, type IrisData, type IrisSplit } from './iris-data.js';
import type { IrisParams } from './iris-predict.js';
import { mulberry32 } from './prng.js';

export interface IrisRecipe {
  readonly version: 'v1' | 'v2';
  /** One line for the model's doc_string. */
  readonly description: string;
  /** Which of IRIS_FEATURES the model may use; the weights of the others stay exactly zero. */
  readonly useFeature: readonly boolean[];
  /** Hidden layer widths (ReLU); empty means multinomial logistic regression. */
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly learningRate: number;
  readonly momentum: number;
  /** Seeds the weight initialisation. */
  readonly seed: number;
}

/** Deliberately weak: sepal features only (versicolor and virginica overlap there), few epochs. */
export const IRIS_V1: IrisRecipe = {
  version: 'v1',
  description: 'multinomial logistic regression on the two sepal features only, 15 epochs',
  useFeature: [true, true, false, false],
  hidden: [],
  epochs: 15,
  learningRate: 0.1,
  momentum: 0.9,
  seed: 1001,
};

/** Strong: all four features through a 4→16→3 ReLU MLP. */
export const IRIS_V2: IrisRecipe = {
  version: 'v2',
  description: 'MLP 4→16→3 (ReLU) on all four standardised features, 400 epochs',
  useFeature: [true, true, true, true],
  hidden: [16],
  epochs: 400,
  learningRate: 0.1,
  momentum: 0.9,
  seed: 2002,
};

interface TrainLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly w: Float64Array;
  readonly b: Float64Array;
  readonly relu: boolean;
}

export function trainIris(data: IrisData, split: IrisSplit, recipe: IrisRecipe): IrisParams {
  const featureCount = IRIS_FEATURES.length;
  const trainRows = split.train.map((i) => data.rows[i] as readonly number[]);
  const trainLabels = split.train.map((i) => data.labels[i] as number);
  const { mean, std } = standardisation(trainRows, featureCount);
  // Unused features become 0 after masking, so their weight rows (initialised to 0) get zero
  // gradient and stay exactly 0: the exported v1 ignores petal measurements by construction.
  const inputs = trainRows.map((row) =>
    row.map((x, i) => (recipe.useFeature[i] === true ? (x - (mean[i] as number)) / (std[i] as number) : 0)),
  );

  const rng = mulberry32(recipe.seed);
  const widths = [featureCount, ...recipe.hidden, data.classes.length];
  const layers: TrainLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const init = glorotLayer(widths[l] as number, widths[l + 1] as number, l + 2 < widths.length, rng);
    const w = Float64Array.from(init.weights);
    if (l === 0) {
      recipe.useFeature.forEach((use, i) => {
        if (!use) w.fill(0, i * init.outputs, (i + 1) * init.outputs);
      });
    }
    layers.push({ inputs: init.inputs, outputs: init.outputs, w, b: new Float64Array(init.outputs), relu: init.relu });
  }
  const velocity = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));

  for (let epoch = 0; epoch < recipe.epochs; epoch++) {
    const grads = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
    inputs.forEach((x, r) => backpropagate(layers, grads, x, trainLabels[r] as number));
    layers.forEach((layer, l) => {
      const g = grads[l]!;
      const v = velocity[l]!;
      step(layer.w, g.w, v.w, recipe, inputs.length);
      step(layer.b, g.b, v.b, recipe, inputs.length);
    });
  }
  const exported: DenseLayer[] = layers.map((l) => ({
    inputs: l.inputs,
    outputs: l.outputs,
    weights: Float32Array.from(l.w),
    bias: Float32Array.from(l.b),
    relu: l.relu,
  }));
  return { mean, std, layers: exported };
}

/** Mean and population standard deviation per feature, rounded to float32 as the graph holds them. */
function standardisation(rows: readonly (readonly number[])[], featureCount: number) {
  const mean = new Float32Array(featureCount);
  const std = new Float32Array(featureCount);
  for (let i = 0; i < featureCount; i++) {
    const values = rows.map((row) => row[i] as number);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, x) => a + (x - m) ** 2, 0) / values.length;
    mean[i] = m;
    std[i] = Math.sqrt(variance) || 1; // a constant feature would divide by zero
  }
  return { mean, std };
}

/** Adds one row's cross-entropy gradient to `grads`. */
function backpropagate(layers: readonly TrainLayer[], grads: { w: Float64Array; b: Float64Array }[], x: readonly number[], label: number): void {
  const activations: Float64Array[] = [Float64Array.from(x)];
  for (const layer of layers) {
    const a = activations[activations.length - 1]!;
    const z = Float64Array.from(layer.b);
    for (let i = 0; i < layer.inputs; i++) {
      for (let j = 0; j < layer.outputs; j++) z[j]! += a[i]! * layer.w[i * layer.outputs + j]!;
    }
    if (layer.relu) z.forEach((v, j) => (z[j] = Math.max(0, v)));
    activations.push(z);
  }
  // d(cross-entropy)/d(logits) = softmax − one-hot.
  let delta = softmax(activations[activations.length - 1]!);
  delta[label]! -= 1;
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l]!;
    const a = activations[l]!;
    const g = grads[l]!;
    const previous = new Float64Array(layer.inputs);
    for (let i = 0; i < layer.inputs; i++) {
      for (let j = 0; j < layer.outputs; j++) {
        g.w[i * layer.outputs + j]! += a[i]! * delta[j]!;
        previous[i]! += layer.w[i * layer.outputs + j]! * delta[j]!;
      }
    }
    delta.forEach((d, j) => (g.b[j]! += d));
    // ReLU passes gradient only where its output was positive; a[i] is that output.
    if (l > 0 && layers[l - 1]!.relu) previous.forEach((p, i) => (previous[i] = a[i]! > 0 ? p : 0));
    delta = previous;
  }
}

/** Classical momentum (Polyak): v ← μv − η·g/n; θ ← θ + v. */
function step(params: Float64Array, grad: Float64Array, velocity: Float64Array, recipe: IrisRecipe, n: number): void {
  for (let k = 0; k < params.length; k++) {
    velocity[k] = recipe.momentum * velocity[k]! - (recipe.learningRate * grad[k]!) / n;
    params[k]! += velocity[k]!;
  }
}
