// Builds the candidate iris versions (candidates.ts) as ONNX: trains or derives their parameters,
// then exports them with v2's signature and, for the bad ones that need it, a fault fragment
// (candidate-graphs.ts) between the dense layers and the softmax head.
import type { DenseLayer } from './dense.js';
import { errorWhenInside, boxIndicator, hangWhenInside, slowdown } from './candidate-graphs.js';
import { CLASS_PERMUTATION, IRIS_ERROR_BOX, IRIS_HANG_BOX, SHIFT, SLOWDOWN, type IrisCandidate } from './candidates.js';
import { classifierHead, denseNodes, type GraphPart } from './dense-graph.js';
import { IRIS_FEATURES } from './iris-data.js';
import { IRIS_INPUTS, IRIS_OUTPUTS, type IrisTrainingReport } from './iris-model.js';
import { irisAccuracy, type IrisParams } from './iris-predict.js';
import { IRIS_SPLIT_SEED, trainIrisVersion, type TrainedIris } from './iris-versions.js';
import { encodeModel, node, tensor } from './onnx-builder.js';
import { IRIS_V2, trainIris } from './train-iris.js';

export interface BuiltCandidate {
  readonly candidate: IrisCandidate;
  /** What the exported graph computes wherever it answers (faults that add work add exact zeros). */
  readonly params: IrisParams;
  /** Accuracies of `params` on v2's train/test split. */
  readonly report: IrisTrainingReport;
  readonly bytes: Uint8Array;
}

/**
 * Trains (good) or derives from v2 (bad) and exports one candidate. Deterministic. Pass the trained
 * v2 when building several, to train it once.
 */
export function buildIrisCandidate(candidate: IrisCandidate, v2: TrainedIris = trainIrisVersion(IRIS_V2)): BuiltCandidate {
  const { data, split } = v2;
  let params: IrisParams = v2.params;
  if (candidate.fault === 'none') params = trainIris(data, split, { ...IRIS_V2, seed: candidate.trainingSeed });
  if (candidate.fault === 'wrong') params = mapOutputLayer(params, (layer) => permuteOutputs(layer, CLASS_PERMUTATION));
  if (candidate.fault === 'shifted') params = mapOutputLayer(params, shiftLogit);
  const report: IrisTrainingReport = {
    trainAccuracy: irisAccuracy(params, data.rows, data.labels, split.train),
    testAccuracy: irisAccuracy(params, data.rows, data.labels, split.test),
    trainRows: split.train.length,
    testRows: split.test.length,
    trainingSeed: candidate.trainingSeed,
    splitSeed: IRIS_SPLIT_SEED,
  };
  return { candidate, params, report, bytes: candidateBytes(candidate, params, data.classes, report) };
}

function candidateBytes(candidate: IrisCandidate, params: IrisParams, classes: readonly string[], report: IrisTrainingReport): Uint8Array {
  const faulty = candidate.fault === 'errors' || candidate.fault === 'slow' || candidate.fault === 'hang';
  const standardise = [node('Sub', ['input', 'feature_mean'], ['centered']), node('Div', ['centered', 'feature_std'], ['standardized'])];
  const dense = denseNodes(params.layers, 'standardized', faulty ? 'clean_logits' : 'logits', 'layer');
  const fault = faultPart(candidate);
  const head = classifierHead('logits', true);
  return encodeModel({
    graphName: `iris_${candidate.version.replace(/-/g, '_')}`,
    docString:
      `Iris species classifier candidate ${candidate.version}: ${candidate.description}. ` +
      `A test fixture for release analysis (fault: ${candidate.fault}). ` +
      `Input: FP32 [batch, 4] = ${IRIS_FEATURES.join(', ')} in cm. ` +
      `Outputs: probabilities FP32 [batch, 3] over ${classes.join(', ')}; label INT64 [batch] = argmax. ` +
      `Held-out accuracy ${report.testAccuracy.toFixed(3)} on ${report.testRows} rows where it answers.`,
    nodes: [...standardise, ...dense.nodes, ...fault.nodes, ...head.nodes],
    initializers: [tensor('feature_mean', 'FP32', [4], params.mean), tensor('feature_std', 'FP32', [4], params.std), ...dense.initializers, ...fault.initializers],
    inputs: IRIS_INPUTS,
    outputs: IRIS_OUTPUTS,
    metadata: {
      'meridian.model': 'iris',
      'meridian.version': candidate.version,
      'meridian.candidate_fault': candidate.fault,
      classes: classes.join(','),
      features: IRIS_FEATURES.join(','),
      train_accuracy: report.trainAccuracy.toFixed(4),
      test_accuracy: report.testAccuracy.toFixed(4),
      training_seed: String(report.trainingSeed),
      split_seed: String(report.splitSeed),
    },
  });
}

/** The fault fragment, 'clean_logits' → 'logits'; empty for candidates whose fault is in the weights. */
function faultPart(candidate: IrisCandidate): GraphPart {
  const combine = (...parts: GraphPart[]): GraphPart => ({ nodes: parts.flatMap((p) => p.nodes), initializers: parts.flatMap((p) => p.initializers) });
  switch (candidate.fault) {
    case 'errors':
      return combine(boxIndicator('input', IRIS_ERROR_BOX, 'trigger', 'trigger.inside'), errorWhenInside('trigger.inside', 'clean_logits', 'logits'));
    case 'hang':
      return combine(boxIndicator('input', IRIS_HANG_BOX, 'trigger', 'trigger.inside'), hangWhenInside('trigger.inside', 'clean_logits', 'logits'));
    case 'slow':
      return slowdown('input', 'clean_logits', 'logits', SLOWDOWN.size, SLOWDOWN.iterations);
    default:
      return { nodes: [], initializers: [] };
  }
}

function mapOutputLayer(params: IrisParams, f: (layer: DenseLayer) => DenseLayer): IrisParams {
  const layers = params.layers.map((layer, l) => (l === params.layers.length - 1 ? f(layer) : layer));
  return { ...params, layers };
}

/** Output column k takes v2's column permutation[k]: the logit v2 gives class permutation[k]. */
function permuteOutputs(layer: DenseLayer, permutation: readonly number[]): DenseLayer {
  const weights = new Float32Array(layer.weights.length);
  const bias = new Float32Array(layer.outputs);
  for (let k = 0; k < layer.outputs; k++) {
    const from = permutation[k] as number;
    bias[k] = layer.bias[from] as number;
    for (let i = 0; i < layer.inputs; i++) weights[i * layer.outputs + k] = layer.weights[i * layer.outputs + from] as number;
  }
  return { ...layer, weights, bias };
}

/** Scales the output layer by 1/temperature (so its logits are) and adds delta to one class's bias. */
function shiftLogit(layer: DenseLayer): DenseLayer {
  const weights = layer.weights.map((w) => w / SHIFT.temperature);
  const bias = layer.bias.map((b) => b / SHIFT.temperature);
  bias[SHIFT.classIndex] = (bias[SHIFT.classIndex] as number) + SHIFT.delta;
  return { ...layer, weights, bias };
}
