// Tiny helpers over onnx-proto's generated protobuf types: tensors, value infos, nodes and the model
// envelope. Just what the example models need; anything fancier belongs to the ONNX tooling.
//
// onnx-proto is CommonJS and assigns `module.exports = $root`, which Node's ESM loader cannot see
// named exports through: `import { onnx } from 'onnx-proto'` typechecks but throws at load time.
// Hence the default import for the value and a type-only import for the namespace's types.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { endianness } from 'node:os';

const { onnx } = onnxProto;

/** Element types the examples use, named as in the Open Inference Protocol (OIP v2 "datatype"). */
export type ExampleDatatype = 'FP32' | 'FP64' | 'INT32' | 'INT64' | 'BOOL';

const ELEMENT_TYPE: Record<ExampleDatatype, Onnx.TensorProto.DataType> = {
  FP32: onnx.TensorProto.DataType.FLOAT,
  FP64: onnx.TensorProto.DataType.DOUBLE,
  INT32: onnx.TensorProto.DataType.INT32,
  INT64: onnx.TensorProto.DataType.INT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
};

const ELEMENT_BYTES: Record<ExampleDatatype, number> = { FP32: 4, FP64: 8, INT32: 4, INT64: 8, BOOL: 1 };

export type TensorValues = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A graph input or output as the manifest and OIP metadata describe it: -1 for the batch dimension. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: ExampleDatatype;
  readonly shape: readonly number[];
}

/**
 * An initializer (constant tensor) stored in raw_data. onnx.proto: raw_data holds the values
 * "in little-endian order" with fixed-width elements, and is the compact form for megabytes of
 * weights (the repeated float_data field costs the same but is slower to encode and parse).
 */
export function tensor(name: string, datatype: ExampleDatatype, dims: readonly number[], values: TensorValues): Onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count || values.BYTES_PER_ELEMENT !== ELEMENT_BYTES[datatype]) {
    throw new Error(`onnx tensor "${name}": ${values.length} values of ${values.BYTES_PER_ELEMENT} bytes do not fit ${datatype}[${dims.join(',')}]`);
  }
  // Typed arrays use the host's byte order; every platform we run on is little-endian, and we refuse
  // loudly rather than write models that load as garbage.
  if (endianness() !== 'LE') throw new Error('onnx tensor: writing raw_data needs a little-endian host');
  const rawData = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  return { name, dataType: ELEMENT_TYPE[datatype], dims: [...dims], rawData };
}

/** A graph input/output declaration; -1 dims become the symbolic dimension "batch". */
export function valueInfo(spec: TensorSpec): Onnx.IValueInfoProto {
  const dim = spec.shape.map((d) => (d < 0 ? { dimParam: 'batch' } : { dimValue: d }));
  return { name: spec.name, type: { tensorType: { elemType: ELEMENT_TYPE[spec.datatype], shape: { dim } } } };
}

export type AttributeValue = number | readonly number[];

/**
 * One node. Numeric attributes are INT when whole (axis, keepdims, transB: every attribute the
 * examples set) and FLOAT otherwise; arrays are INTS. ONNX Runtime rejects attributes without a type.
 */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  docString?: string,
): Onnx.INodeProto {
  const Type = onnx.AttributeProto.AttributeType;
  const attribute = Object.entries(attributes).map(([name, value]): Onnx.IAttributeProto => {
    if (typeof value !== 'number') return { name, type: Type.INTS, ints: [...value] };
    return Number.isInteger(value) ? { name, type: Type.INT, i: value } : { name, type: Type.FLOAT, f: value };
  });
  return { opType, name: `${opType}_${outputs[0] ?? ''}`, input: [...inputs], output: [...outputs], attribute, docString: docString ?? null };
}

export interface ModelOptions {
  readonly graphName: string;
  readonly docString: string;
  readonly nodes: readonly Onnx.INodeProto[];
  readonly initializers: readonly Onnx.ITensorProto[];
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Free-form key/value pairs (ONNX metadata_props); keep them deterministic: no timestamps. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * IR version 8 with opset 13: the newest IR onnx-proto 8.0.1 (ONNX 1.10) describes, and an opset
 * whose Softmax/ArgMax/Gemm semantics ONNX Runtime 1.30 supports without conversion.
 */
export const IR_VERSION = 8;
export const OPSET_VERSION = 13;

/** Serialises a model. protobufjs writes fields in schema order, so equal input gives equal bytes. */
export function encodeModel(options: ModelOptions): Uint8Array {
  const model: Onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'meridian',
    producerVersion: '0.1.0',
    docString: options.docString,
    graph: {
      name: options.graphName,
      node: [...options.nodes],
      initializer: [...options.initializers],
      input: options.inputs.map(valueInfo),
      output: options.outputs.map(valueInfo),
    },
    // Sorted by key so the order never depends on how the caller built the object.
    metadataProps: Object.keys(options.metadata)
      .sort()
      .map((key) => ({ key, value: options.metadata[key] ?? '' })),
  };
  return onnx.ModelProto.encode(model).finish();
}
