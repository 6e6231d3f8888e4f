// Public surface of the example models: building them, and the reference forward passes tests use.
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
