// Public surface of the example models: building them, the reference forward passes tests use, the
// candidate iris versions for release analysis, and realistic iris request rows for load generation.
export { buildExampleModels, ensureExampleModels } from './build.js';
export { EXAMPLE_MODEL_KEYS, GENERATOR_VERSION, MANIFEST_FILE, readCurrentManifest, sha256Hex } from './manifest.js';
export type { ExampleModelEntry, ExampleModelKey, ExampleModelsManifest } from './manifest.js';
export { IRIS_FEATURES, loadIris } from './iris-data.js';
export { irisAccuracy, irisPredict } from './iris-predict.js';
export type { IrisParams, IrisPrediction } from './iris-predict.js';
export { IRIS_RECIPES, trainIrisVersion } from './iris-versions.js';
export type { TrainedIris } from './iris-versions.js';
export { mlpLayers, mlpPredict } from './mlp-model.js';
export { DTYPES_COMPUTES } from './dtypes-model.js';
export type { ExampleDatatype, TensorSpec } from './onnx-builder.js';
export { drawIrisRows, IRIS_ROW_DEFAULTS } from './iris-rows.js';
export type { IrisRequestRow, IrisRowOptions } from './iris-rows.js';
export { CLASS_PERMUTATION, IRIS_CANDIDATE_KEYS, IRIS_CANDIDATES, IRIS_ERROR_BOX, IRIS_HANG_BOX, SHIFT, SLOWDOWN } from './candidates.js';
export type { IrisCandidate, IrisCandidateFault, IrisCandidateKey } from './candidates.js';
export { buildIrisCandidate } from './candidate-models.js';
export type { BuiltCandidate } from './candidate-models.js';
export { insideBox } from './candidate-graphs.js';
export type { FeatureBox } from './candidate-graphs.js';
