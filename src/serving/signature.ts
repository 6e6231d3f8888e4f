// Model signatures moved to core/tensors.ts so artifacts/ (ONNX inspection) shares them; this
// module keeps the model server's imports working.
export { elementCount, isBatchable, type ModelSignature, type TensorSpec } from '../core/tensors.js';
