// Fully-connected networks as plain data, with the TypeScript reference forward pass that the
// tests hold the exported ONNX graphs to. Both the iris classifiers and the performance MLP use it.
import { uniform, type Rng } from './prng.js';

/**
 * y = x·W + b, then ReLU when `relu`. `weights` is row-major [inputs × outputs]: exactly the layout
 * ONNX Gemm takes as B with transB = 0, so the same bytes go into the initializer.
 */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
}

/**
 * Glorot/Xavier uniform initialisation, limit sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010),
 * which keeps activations at a similar scale through the layers; biases start at zero.
 */
export function glorotLayer(inputs: number, outputs: number, relu: boolean, rng: Rng): DenseLayer {
  const limit = Math.sqrt(6 / (inputs + outputs));
  const weights = new Float32Array(inputs * outputs);
  for (let i = 0; i < weights.length; i++) weights[i] = uniform(rng, -limit, limit);
  return { inputs, outputs, weights, bias: new Float32Array(outputs), relu };
}

/** Runs one row through the layers; returns the last layer's outputs (logits). */
export function denseForward(layers: readonly DenseLayer[], row: ArrayLike<number>): Float64Array {
  let activations = Float64Array.from(row);
  for (const layer of layers) {
    if (activations.length !== layer.inputs) {
      throw new Error(`dense: layer expects ${layer.inputs} inputs, got ${activations.length}`);
    }
    const out = Float64Array.from(layer.bias);
    for (let i = 0; i < layer.inputs; i++) {
      const a = activations[i] as number;
      if (a === 0) continue; // ReLU zeros and unused iris features: nothing to add
      const rowOffset = i * layer.outputs;
      for (let j = 0; j < layer.outputs; j++) out[j] = (out[j] as number) + a * (layer.weights[rowOffset + j] as number);
    }
    if (layer.relu) for (let j = 0; j < out.length; j++) out[j] = Math.max(0, out[j] as number);
    activations = out;
  }
  return activations;
}

/** Softmax with the max subtracted first so large logits cannot overflow exp(). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Index of the largest value; the first one on ties, as ONNX ArgMax with select_last_index = 0. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Total weight and bias bytes, to report model size. */
export function parameterBytes(layers: readonly DenseLayer[]): number {
  return layers.reduce((sum, l) => sum + l.weights.byteLength + l.bias.byteLength, 0);
}
