// Exports a trained iris classifier to ONNX. Both versions share one interface so they are
// interchangeable behind the model name `iris`: input `input` FP32 [-1, 4] in cm; outputs
// `probabilities` FP32 [-1, 3] and `label` INT64 [-1].
import { classifierHead, denseNodes } from './dense-graph.js';
import { IRIS_FEATURES } from './iris-data.js';
import type { IrisParams } from './iris-predict.js';
import { encodeModel, node, tensor, type TensorSpec } from './onnx-builder.js';
import type { IrisRecipe } from './train-iris.js';

export const IRIS_INPUTS: readonly TensorSpec[] = [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }];
export const IRIS_OUTPUTS: readonly TensorSpec[] = [
  { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
  { name: 'label', datatype: 'INT64', shape: [-1] },
];

/** What we measured when training, recorded in the model's metadata_props and the manifest. */
export interface IrisTrainingReport {
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly trainingSeed: number;
  readonly splitSeed: number;
}

export function irisModelBytes(params: IrisParams, recipe: IrisRecipe, classes: readonly string[], report: IrisTrainingReport): Uint8Array {
  // Standardisation lives in the graph (Sub, Div) so clients send raw measurements and cannot
  // forget, or get wrong, the training-set statistics.
  const standardise = [
    node('Sub', ['input', 'feature_mean'], ['centered']),
    node('Div', ['centered', 'feature_std'], ['standardized']),
  ];
  const dense = denseNodes(params.layers, 'standardized', 'logits', 'layer');
  const head = classifierHead('logits', true);
  return encodeModel({
    graphName: `iris_${recipe.version}`,
    docString:
      `Iris species classifier ${recipe.version}: ${recipe.description}. ` +
      `Input: FP32 [batch, 4] = ${IRIS_FEATURES.join(', ')} in cm (raw; standardisation is in the graph). ` +
      `Outputs: probabilities FP32 [batch, 3] over ${classes.join(', ')}; label INT64 [batch] = argmax. ` +
      `Held-out accuracy ${report.testAccuracy.toFixed(3)} on ${report.testRows} rows.`,
    nodes: [...standardise, ...dense.nodes, ...head.nodes],
    initializers: [tensor('feature_mean', 'FP32', [4], params.mean), tensor('feature_std', 'FP32', [4], params.std), ...dense.initializers],
    inputs: IRIS_INPUTS,
    outputs: IRIS_OUTPUTS,
    metadata: {
      'meridian.model': 'iris',
      'meridian.version': recipe.version,
      classes: classes.join(','),
      features: IRIS_FEATURES.join(','),
      train_accuracy: report.trainAccuracy.toFixed(4),
      test_accuracy: report.testAccuracy.toFixed(4),
      train_rows: String(report.trainRows),
      test_rows: String(report.testRows),
      training_seed: String(report.trainingSeed),
      split_seed: String(report.splitSeed),
    },
  });
}
