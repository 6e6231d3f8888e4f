// The OIP datatype table moved to core/tensors.ts so artifacts/ (ONNX inspection) shares it; this
// module keeps the model server's imports working.
export {
  DATATYPES,
  allocate,
  datatypeOfOrt,
  fillFromJson,
  isDatatype,
  ortTypeOf,
  shortFloat32,
  toJsonValues,
  type Datatype,
  type OrtType,
  type TypedData,
} from '../core/tensors.js';
