// Graph fragments that make an iris classifier misbehave in the ways real bad releases do, while it
// still loads, keeps its signature and answers its golden examples: errors and hangs that fire only
// on some realistic inputs, and input-dependent extra work. Each fragment rewrites the logits
// (`from` → `to`) by adding an exact zero computed from the faulty part, so the answers equal the
// model's own wherever it answers, and onnxruntime cannot prune or constant-fold the fault: the
// added term depends on the request's input.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import type { GraphPart } from './dense-graph.js';
import { node, tensor, valueInfo } from './onnx-builder.js';

const { onnx } = onnxProto;

/** Per-feature inclusive bounds in cm, IRIS_FEATURES order: an axis-aligned box in feature space. */
export type FeatureBox = readonly (readonly [number, number])[];

/** True when every feature of `row` lies inside the box (bounds inclusive), as the graph decides it. */
export function insideBox(row: readonly number[], box: FeatureBox): boolean {
  // Compare in float32, as onnxruntime does on the FP32 input and bounds.
  return box.every(([lo, hi], i) => {
    const x = Math.fround(row[i] ?? NaN);
    return x >= Math.fround(lo) && x <= Math.fround(hi);
  });
}

/** `inside` INT64 [batch]: 1 where the row of `input` [batch, 4] lies in `box`, else 0. */
export function boxIndicator(input: string, box: FeatureBox, prefix: string, inside: string): GraphPart {
  const lo = Float32Array.from(box.map(([l]) => l));
  const hi = Float32Array.from(box.map(([, h]) => h));
  return {
    initializers: [tensor(`${prefix}.lo`, 'FP32', [box.length], lo), tensor(`${prefix}.hi`, 'FP32', [box.length], hi)],
    nodes: [
      node('GreaterOrEqual', [input, `${prefix}.lo`], [`${prefix}.above_lo`]),
      node('LessOrEqual', [input, `${prefix}.hi`], [`${prefix}.below_hi`]),
      node('And', [`${prefix}.above_lo`, `${prefix}.below_hi`], [`${prefix}.within`]),
      node('Cast', [`${prefix}.within`], [`${prefix}.within_i64`], { to: onnx.TensorProto.DataType.INT64 }),
      // All four features inside: the minimum over the feature axis (ReduceMin-13 takes axes as an attribute).
      node('ReduceMin', [`${prefix}.within_i64`], [inside], { axes: [1], keepdims: 0 }),
    ],
  };
}

/**
 * Fails the request when any row has `inside` = 1: Gather from a one-element table at index
 * `inside` reads index 1 out of bounds, which onnxruntime's Gather refuses ("indices element out
 * of data bounds") — the whole run errors, as a real indexing bug would. Rows with 0 read the
 * table's single 0 and add it to the logits.
 */
export function errorWhenInside(inside: string, from: string, to: string): GraphPart {
  return {
    initializers: [tensor('fault.table', 'FP32', [1], Float32Array.of(0)), tensor('fault.axes', 'INT64', [1], BigInt64Array.of(1n))],
    nodes: [
      node('Gather', ['fault.table', inside], ['fault.gathered']),
      node('Unsqueeze', ['fault.gathered', 'fault.axes'], ['fault.zero_column']),
      node('Add', [from, 'fault.zero_column'], [to]),
    ],
  };
}

/**
 * Never answers when any row has `inside` = 1: a Loop whose trip count is (number of such rows) ×
 * 2^40 adds 1 to a counter per iteration (days of work; float32 saturates at 2^24, so it never
 * overflows to Inf). With no such row the trip count is 0 and the Loop costs nothing.
 */
export function hangWhenInside(inside: string, from: string, to: string): GraphPart {
  const body = loopBody('hang_body', { name: 'counter', datatype: 'FP32', shape: [] }, [node('Add', ['counter', 'fault.one'], ['counter_out'])]);
  return {
    initializers: [
      tensor('fault.trips_per_row', 'INT64', [], BigInt64Array.of(2n ** 40n)),
      tensor('fault.true', 'BOOL', [], Uint8Array.of(1)),
      tensor('fault.counter0', 'FP32', [], Float32Array.of(0)),
      tensor('fault.one', 'FP32', [], Float32Array.of(1)),
      tensor('fault.zero', 'FP32', [], Float32Array.of(0)),
    ],
    nodes: [
      // ReduceSum-13 without an axes input reduces every axis; an empty batch sums to 0 trips.
      node('ReduceSum', [inside], ['fault.inside_rows'], { keepdims: 0 }),
      node('Mul', ['fault.inside_rows', 'fault.trips_per_row'], ['fault.trips']),
      loopNode(['fault.trips', 'fault.true', 'fault.counter0'], ['fault.counter'], body),
      node('Mul', ['fault.counter', 'fault.zero'], ['fault.zero_scalar']),
      node('Add', [from, 'fault.zero_scalar'], [to]),
    ],
  };
}

/**
 * Extra work per request, whatever its batch size: `iterations` squarings of a size × size float32
 * matrix seeded from the mean of the input (x ← tanh(x·x); tanh keeps values finite). The matrix
 * depends on the request, so onnxruntime cannot fold it into a constant at load time.
 */
export function slowdown(input: string, from: string, to: string, size: number, iterations: number): GraphPart {
  const body = loopBody('slow_body', { name: 'matrix', datatype: 'FP32', shape: [size, size] }, [
    node('MatMul', ['matrix', 'matrix'], ['matrix_squared']),
    node('Tanh', ['matrix_squared'], ['matrix_out']),
  ]);
  return {
    initializers: [
      tensor('slow.scale', 'FP32', [], Float32Array.of(0.001)),
      tensor('slow.shape', 'INT64', [2], BigInt64Array.of(BigInt(size), BigInt(size))),
      tensor('slow.iterations', 'INT64', [], BigInt64Array.of(BigInt(iterations))),
      tensor('slow.true', 'BOOL', [], Uint8Array.of(1)),
      tensor('slow.zero', 'FP32', [], Float32Array.of(0)),
    ],
    nodes: [
      // ReduceMean-13 with no axes attribute reduces every axis: one scalar per request.
      node('ReduceMean', [input], ['slow.mean'], { keepdims: 0 }),
      node('Mul', ['slow.mean', 'slow.scale'], ['slow.seed']),
      node('Expand', ['slow.seed', 'slow.shape'], ['slow.matrix0']),
      loopNode(['slow.iterations', 'slow.true', 'slow.matrix0'], ['slow.matrix'], body),
      node('ReduceMean', ['slow.matrix'], ['slow.matrix_mean'], { keepdims: 0 }),
      node('Mul', ['slow.matrix_mean', 'slow.zero'], ['slow.zero_scalar']),
      node('Add', [from, 'slow.zero_scalar'], [to]),
    ],
  };
}

/**
 * A Loop body (ONNX Loop-13): inputs (iteration_num, cond, carried), outputs (cond, carried).
 * `nodes` read `carried.name` and must write `${carried.name}_out`; they may read outer-scope
 * initializers by name.
 */
function loopBody(name: string, carried: { name: string; datatype: 'FP32'; shape: number[] }, nodes: Onnx.INodeProto[]): Onnx.IGraphProto {
  return {
    name,
    node: [node('Identity', ['cond_in'], ['cond_out']), ...nodes],
    input: [
      valueInfo({ name: 'iteration', datatype: 'INT64', shape: [] }),
      valueInfo({ name: 'cond_in', datatype: 'BOOL', shape: [] }),
      valueInfo(carried),
    ],
    output: [valueInfo({ name: 'cond_out', datatype: 'BOOL', shape: [] }), valueInfo({ ...carried, name: `${carried.name}_out` })],
  };
}

/** node() only writes numeric attributes; Loop needs its body as a GRAPH attribute. */
function loopNode(inputs: string[], outputs: string[], body: Onnx.IGraphProto): Onnx.INodeProto {
  const loop = node('Loop', inputs, outputs);
  loop.attribute = [{ name: 'body', type: onnx.AttributeProto.AttributeType.GRAPH, g: body }];
  return loop;
}
