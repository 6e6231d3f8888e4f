// A tiny model for the model server's datatype tests: one input and one output per OIP datatype the
// server supports, each output computed (not passed through) so a test can tell inference ran and
// the dtype survived the round trip:
//   y_fp32 = x_fp32 + 1   FP32  [-1, 2]
//   y_fp64 = x_fp64 + 1   FP64  [-1, 2]
//   y_i32  = x_i32  + 1   INT32 [-1, 2]   (wraps at 2^31 − 1, as ONNX Add on int32 does)
//   y_i64  = x_i64  + 1   INT64 [-1, 2]
//   y_bool = NOT x_bool   BOOL  [-1, 2]
import type { onnx as Onnx } from 'onnx-proto';
import { encodeModel, node, tensor, type ExampleDatatype, type TensorSpec, type TensorValues } from './onnx-builder.js';

interface DtypeCase {
  readonly suffix: string;
  readonly datatype: ExampleDatatype;
  /** The scalar 1 of this type, for Add; undefined for BOOL, which uses Not. */
  readonly one?: TensorValues;
}

const CASES: readonly DtypeCase[] = [
  { suffix: 'fp32', datatype: 'FP32', one: Float32Array.of(1) },
  { suffix: 'fp64', datatype: 'FP64', one: Float64Array.of(1) },
  { suffix: 'i32', datatype: 'INT32', one: Int32Array.of(1) },
  { suffix: 'i64', datatype: 'INT64', one: BigInt64Array.of(1n) },
  { suffix: 'bool', datatype: 'BOOL' },
];

export const DTYPES_INPUTS: readonly TensorSpec[] = CASES.map((c) => ({ name: `x_${c.suffix}`, datatype: c.datatype, shape: [-1, 2] }));
export const DTYPES_OUTPUTS: readonly TensorSpec[] = CASES.map((c) => ({ name: `y_${c.suffix}`, datatype: c.datatype, shape: [-1, 2] }));

/** What each output computes, by output name: the doc_string and the tests' description. */
export const DTYPES_COMPUTES: Readonly<Record<string, string>> = Object.fromEntries(
  CASES.map((c) => [`y_${c.suffix}`, c.one === undefined ? `NOT x_${c.suffix}` : `x_${c.suffix} + 1`]),
);

export function dtypesModelBytes(): Uint8Array {
  const nodes: Onnx.INodeProto[] = [];
  const initializers: Onnx.ITensorProto[] = [];
  for (const c of CASES) {
    if (c.one === undefined) {
      nodes.push(node('Not', [`x_${c.suffix}`], [`y_${c.suffix}`]));
    } else {
      // A scalar (dims []) broadcasts over any input shape (ONNX multidirectional broadcasting).
      initializers.push(tensor(`one_${c.suffix}`, c.datatype, [], c.one));
      nodes.push(node('Add', [`x_${c.suffix}`, `one_${c.suffix}`], [`y_${c.suffix}`]));
    }
  }
  const computes = Object.entries(DTYPES_COMPUTES).map(([output, what]) => `${output} = ${what}`);
  return encodeModel({
    graphName: 'dtypes',
    docString: `Datatype round-trip test model; every input is [batch, 2]. ${computes.join('; ')} (elementwise, same dtype as the input).`,
    nodes,
    initializers,
    inputs: DTYPES_INPUTS,
    outputs: DTYPES_OUTPUTS,
    metadata: { 'meridian.model': 'dtypes' },
  });
}
