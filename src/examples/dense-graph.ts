// Dense layers as ONNX nodes: Gemm (+ Relu) per layer, the weights as initializers. Shared by the
// iris classifiers and the performance MLP so both export the same way the reference computes.
import type { onnx as Onnx } from 'onnx-proto';
import type { DenseLayer } from './dense.js';
import { node, tensor } from './onnx-builder.js';

export interface GraphPart {
  readonly nodes: Onnx.INodeProto[];
  readonly initializers: Onnx.ITensorProto[];
}

/**
 * `input` [batch, layers[0].inputs] → `output` [batch, last.outputs]. Gemm computes A·B + C with
 * C broadcast over the batch (ONNX Gemm-13, transA = transB = 0), matching DenseLayer's layout.
 */
export function denseNodes(layers: readonly DenseLayer[], input: string, output: string, prefix: string): GraphPart {
  const part: GraphPart = { nodes: [], initializers: [] };
  let current = input;
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    const weight = `${prefix}${l}.weight`;
    const bias = `${prefix}${l}.bias`;
    part.initializers.push(tensor(weight, 'FP32', [layer.inputs, layer.outputs], layer.weights));
    part.initializers.push(tensor(bias, 'FP32', [layer.outputs], layer.bias));
    const gemmOut = last && !layer.relu ? output : `${prefix}${l}.linear`;
    part.nodes.push(node('Gemm', [current, weight, bias], [gemmOut]));
    current = gemmOut;
    if (layer.relu) {
      const reluOut = last ? output : `${prefix}${l}.relu`;
      part.nodes.push(node('Relu', [current], [reluOut]));
      current = reluOut;
    }
  });
  return part;
}

/**
 * `probabilities` = Softmax(logits, axis 1) and optionally `label` = ArgMax(probabilities, axis 1,
 * keepdims 0): int64 [batch], the first index on ties (select_last_index defaults to 0).
 */
export function classifierHead(logits: string, withLabel: boolean): GraphPart {
  const nodes = [node('Softmax', [logits], ['probabilities'], { axis: 1 })];
  if (withLabel) nodes.push(node('ArgMax', ['probabilities'], ['label'], { axis: 1, keepdims: 0 }));
  return { nodes, initializers: [] };
}
