// A larger MLP for performance work (serving latency, batching, replication of multi-MB artifacts):
// 256→1024→1024→10 float32 ≈ 5.3 MB of seeded random weights. Not trained: its outputs only need
// to be deterministic and checkable, not meaningful.
import { denseForward, glorotLayer, softmax, type DenseLayer } from './dense.js';
import { classifierHead, denseNodes } from './dense-graph.js';
import { encodeModel, type TensorSpec } from './onnx-builder.js';
import { mulberry32, uniform } from './prng.js';

export const MLP_WIDTHS: readonly number[] = [256, 1024, 1024, 10];
export const MLP_SEED = 3003;

export const MLP_INPUTS: readonly TensorSpec[] = [{ name: 'input', datatype: 'FP32', shape: [-1, 256] }];
export const MLP_OUTPUTS: readonly TensorSpec[] = [
  { name: 'logits', datatype: 'FP32', shape: [-1, 10] },
  { name: 'probabilities', datatype: 'FP32', shape: [-1, 10] },
];

/**
 * Glorot-uniform weights and small non-zero biases (±0.05): non-zero so that a graph wiring the
 * bias wrongly cannot pass the reference comparison.
 */
export function mlpLayers(seed: number = MLP_SEED, widths: readonly number[] = MLP_WIDTHS): DenseLayer[] {
  const rng = mulberry32(seed);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const layer = glorotLayer(widths[l] as number, widths[l + 1] as number, l + 2 < widths.length, rng);
    for (let j = 0; j < layer.bias.length; j++) layer.bias[j] = uniform(rng, -0.05, 0.05);
    layers.push(layer);
  }
  return layers;
}

export interface MlpPrediction {
  readonly logits: Float64Array[];
  readonly probabilities: Float64Array[];
}

/** Reference forward pass, in float64 over the float32 weights. */
export function mlpPredict(layers: readonly DenseLayer[], rows: readonly ArrayLike<number>[]): MlpPrediction {
  const logits = rows.map((row) => denseForward(layers, row));
  return { logits, probabilities: logits.map((l) => softmax(l)) };
}

export function mlpModelBytes(layers: readonly DenseLayer[]): Uint8Array {
  const dense = denseNodes(layers, 'input', 'logits', 'layer');
  const head = classifierHead('logits', false);
  const widths = [layers[0]?.inputs ?? 0, ...layers.map((l) => l.outputs)];
  return encodeModel({
    graphName: 'mlp',
    docString:
      `Performance-test MLP ${widths.join('→')} (ReLU between layers), seeded random Glorot weights, untrained. ` +
      `Input: FP32 [batch, ${widths[0]}]. Outputs: logits FP32 [batch, ${widths.at(-1)}]; probabilities = Softmax(logits, axis 1).`,
    nodes: [...dense.nodes, ...head.nodes],
    initializers: dense.initializers,
    inputs: MLP_INPUTS,
    outputs: MLP_OUTPUTS,
    metadata: { 'meridian.model': 'mlp', seed: String(MLP_SEED), widths: widths.join(',') },
  });
}
