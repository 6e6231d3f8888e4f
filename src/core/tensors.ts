// Tensors as the Open Inference Protocol describes them: the datatypes (OIP REST "Tensor Data
// Types"), how each maps onto onnxruntime's element types and JavaScript typed arrays, and a model's
// signature. Pure data and functions, in core/ because both the model server (serving/) and ONNX
// inspection at push time (artifacts/) need the same table, and neither may import the other.
import { MeridianError } from './errors.js';

export type Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'UINT16' | 'INT16' | 'UINT32' | 'INT32' | 'UINT64' | 'INT64' | 'FP32' | 'FP64';

/** onnxruntime's names for the same element types. */
export type OrtType = 'bool' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64';

export type TypedData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

interface DatatypeInfo {
  ort: OrtType;
  make(n: number): TypedData;
  /** Integer range for integer types; undefined for floats and BOOL. */
  range?: readonly [number, number];
  big?: boolean;
}

const INFO: Record<Datatype, DatatypeInfo> = {
  BOOL: { ort: 'bool', make: (n) => new Uint8Array(n) },
  UINT8: { ort: 'uint8', make: (n) => new Uint8Array(n), range: [0, 255] },
  INT8: { ort: 'int8', make: (n) => new Int8Array(n), range: [-128, 127] },
  UINT16: { ort: 'uint16', make: (n) => new Uint16Array(n), range: [0, 65535] },
  INT16: { ort: 'int16', make: (n) => new Int16Array(n), range: [-32768, 32767] },
  UINT32: { ort: 'uint32', make: (n) => new Uint32Array(n), range: [0, 4294967295] },
  INT32: { ort: 'int32', make: (n) => new Int32Array(n), range: [-2147483648, 2147483647] },
  // JSON numbers are doubles: 64-bit integers are exact only up to 2^53, which we enforce.
  UINT64: { ort: 'uint64', make: (n) => new BigUint64Array(n), range: [0, Number.MAX_SAFE_INTEGER], big: true },
  INT64: { ort: 'int64', make: (n) => new BigInt64Array(n), range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], big: true },
  FP32: { ort: 'float32', make: (n) => new Float32Array(n) },
  FP64: { ort: 'float64', make: (n) => new Float64Array(n) },
};

const BY_ORT = new Map<string, Datatype>(Object.entries(INFO).map(([dt, i]) => [i.ort, dt as Datatype]));

export const DATATYPES = Object.keys(INFO) as Datatype[];

export function isDatatype(s: unknown): s is Datatype {
  return typeof s === 'string' && Object.hasOwn(INFO, s);
}

export function ortTypeOf(dt: Datatype): OrtType {
  return INFO[dt].ort;
}

/** The OIP datatype for an onnxruntime type, or undefined when we do not serve it (e.g. string, float16). */
export function datatypeOfOrt(t: string): Datatype | undefined {
  return BY_ORT.get(t);
}

export function allocate(dt: Datatype, n: number): TypedData {
  return INFO[dt].make(n);
}

/**
 * Fills `out` from flat JSON values, checking each element against the datatype. `field` names
 * the input in errors, e.g. `inputs[0] "input"`.
 */
export function fillFromJson(dt: Datatype, values: readonly unknown[], out: TypedData, field: string): void {
  const info = INFO[dt];
  if (dt === 'BOOL') {
    const o = out as Uint8Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'boolean') throw badElement(field, i, v, 'true or false (datatype BOOL)');
      o[i] = v ? 1 : 0;
    }
    return;
  }
  if (info.range === undefined) {
    const o = out as Float32Array | Float64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') throw badElement(field, i, v, `a number (datatype ${dt})`);
      o[i] = v;
    }
    return;
  }
  const [lo, hi] = info.range;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw badElement(field, i, v, `an integer in [${lo}, ${hi}] (datatype ${dt})`);
    }
    if (info.big) (out as BigInt64Array)[i] = BigInt(v);
    else (out as Int32Array)[i] = v;
  }
}

function badElement(field: string, i: number, v: unknown, want: string): MeridianError {
  return new MeridianError('BAD_REQUEST', `${field}: data element ${i} is ${JSON.stringify(v) ?? String(v)}, expected ${want}`);
}

/** Converts tensor data to JSON-ready values: BOOL as booleans, 64-bit integers as numbers, floats shortened. */
export function toJsonValues(dt: Datatype, data: TypedData | readonly boolean[]): unknown[] {
  const out = new Array<unknown>(data.length);
  if (dt === 'BOOL') {
    for (let i = 0; i < data.length; i++) out[i] = Boolean(data[i]);
  } else if (dt === 'FP32') {
    const d = data as Float32Array;
    for (let i = 0; i < d.length; i++) out[i] = shortFloat32(d[i] ?? 0);
  } else if (INFO[dt].big) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  } else {
    for (let i = 0; i < data.length; i++) out[i] = data[i];
  }
  return out;
}

/**
 * The shortest decimal that reads back as the same float32. A float32 widened to a double prints
 * with up to 17 digits (0.1f → 0.10000000149011612); 6–9 significant digits always suffice.
 */
export function shortFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0 || Number.isInteger(x)) return x;
  for (let p = 6; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

// A model's input/output signature as the Open Inference Protocol reports it in model metadata:
// datatype and shape per tensor, -1 for variable-size dimensions.

export interface TensorSpec {
  name: string;
  datatype: Datatype;
  /** -1 marks a variable-size (symbolic or unknown) dimension. */
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * Dynamic batching merges requests along dimension 0, which is only sound when every input and
 * every output has a variable first dimension (the batch dimension), as Triton requires max_batch_size > 0 for.
 */
export function isBatchable(sig: ModelSignature): boolean {
  const all = [...sig.inputs, ...sig.outputs];
  return all.length > 0 && all.every((t) => t.shape.length >= 1 && t.shape[0] === -1);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** What onnxruntime reports about one input or output (structurally, so core needs no onnxruntime import). */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

/**
 * The OIP spec of an onnxruntime input or output, or a sentence saying why it cannot be served
 * (not a tensor, or an element type such as string or float16 that OIP JSON cannot carry here).
 */
export function tensorSpecOfOrt(m: OrtValueMetadata): TensorSpec | string {
  if (!m.isTensor) return `"${m.name}" is not a tensor; only tensor inputs and outputs can be served`;
  const datatype = m.type === undefined ? undefined : datatypeOfOrt(m.type);
  if (datatype === undefined) return `"${m.name}" has element type ${m.type ?? 'unknown'}, which this server does not support`;
  // Symbolic dimensions ("batch") and unknown ones come back as strings or negatives: OIP says -1.
  const shape = (m.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
  return { name: m.name, datatype, shape };
}

// Raw tensor bytes, for the binary tensor data extension (Triton's `binary_tensor_data`): elements
// little-endian, row-major, no padding, each in its native size, BOOL as one byte (0 or 1).

type TypedArrayView = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedData;

const VIEWS: Record<Datatype, TypedArrayView> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  UINT16: Uint16Array,
  INT16: Int16Array,
  UINT32: Uint32Array,
  INT32: Int32Array,
  UINT64: BigUint64Array,
  INT64: BigInt64Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

const ELEMENT_BYTES: Record<Datatype, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  UINT32: 4,
  INT32: 4,
  UINT64: 8,
  INT64: 8,
  FP32: 4,
  FP64: 8,
};

/** True on little-endian hosts (x86, ARM): typed arrays then already hold the extension's byte order. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes one element of `dt` takes in binary tensor data. */
export function bytesPerElement(dt: Datatype): number {
  return ELEMENT_BYTES[dt];
}

/**
 * A typed array of `dt` over `bytes` (whose length must be a multiple of the element size). It is
 * a view, with no copy, when `bytes` starts at a multiple of the element size; otherwise (a typed
 * array cannot start mid-element) the bytes are copied once, in bulk, into a fresh aligned buffer.
 * Assumes a little-endian host (see HOST_LITTLE_ENDIAN).
 */
export function typedArrayFromBytes(dt: Datatype, bytes: Uint8Array): TypedData {
  const size = ELEMENT_BYTES[dt];
  const count = bytes.byteLength / size;
  if (!Number.isInteger(count)) throw new RangeError(`${bytes.byteLength} bytes are not a whole number of ${dt} elements`);
  if (bytes.byteOffset % size === 0) return new VIEWS[dt](bytes.buffer, bytes.byteOffset, count);
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  return new VIEWS[dt](aligned.buffer, 0, count);
}

/** The bytes of tensor data as they sit in memory (no copy). */
export function bytesOf(data: TypedData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
