// The binary tensor data extension of OIP REST, as Triton defines it (`binary_tensor_data`,
// docs/protocol/extension_binary_data.md in triton-inference-server/server):
//
// - Request: the `Inference-Header-Content-Length: N` HTTP header says that the first N bytes of
//   the body are the JSON inference request. An input with `"parameters": {"binary_data_size": B}`
//   carries no `data`; its B bytes follow the JSON, inputs in the order the JSON lists them.
// - Tensor bytes: little-endian, row-major, no padding, each element in its native size, BOOL one
//   byte (0 or 1). BYTES (4-byte length + bytes per element) is not served here: no model this
//   server runs has string tensors.
// - Response: outputs asked for with `"parameters": {"binary_data": true}`, or all outputs when the
//   request has `"parameters": {"binary_data_output": true}` (a per-output `binary_data` overrides
//   it), carry `"parameters": {"binary_data_size": B}` instead of `data`, and their bytes follow the
//   JSON in output order; see infer-response.ts.
import { MeridianError } from '../core/errors.js';
import { HOST_LITTLE_ENDIAN, bytesPerElement, typedArrayFromBytes, type Datatype, type TypedData } from '../core/tensors.js';

export const BINARY_EXTENSION = 'binary_tensor_data';
/** Node lower-cases incoming header names. */
export const HEADER_LENGTH_HEADER = 'inference-header-content-length';

function bad(message: string): MeridianError {
  return new MeridianError('BAD_REQUEST', message);
}

/** Typed arrays use the host's byte order; the extension's is little-endian. */
export function checkHostByteOrder(): void {
  if (!HOST_LITTLE_ENDIAN) throw bad(`the ${BINARY_EXTENSION} extension is not available on this big-endian host; send tensors as JSON "data"`);
}

/**
 * The JSON header's length from `Inference-Header-Content-Length`, or undefined when the request
 * does not use the extension. Anything but a plain non-negative integer is a 400.
 */
export function inferenceHeaderLength(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw bad(`Inference-Header-Content-Length is ${JSON.stringify(text)}; it must be the byte length of the JSON inference request at the start of the body (a non-negative integer)`);
  }
  checkHostByteOrder();
  return n;
}

/** Splits a body into its JSON header and the binary part behind it. */
export function splitBody(body: Buffer, headerLength: number): { json: Buffer; binary: BinarySection } {
  if (headerLength > body.length) {
    throw bad(`Inference-Header-Content-Length is ${headerLength} but the body has only ${body.length} bytes; the header must count the JSON part of the body, not more`);
  }
  return { json: body.subarray(0, headerLength), binary: new BinarySection(body.subarray(headerLength), headerLength) };
}

/** The bytes after the JSON header, handed out to binary inputs in order. */
export class BinarySection {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly headerLength: number,
  ) {}

  /** The next `size` bytes, for `field`. */
  take(size: number, field: string): Uint8Array {
    const left = this.bytes.byteLength - this.offset;
    if (size > left) {
      throw bad(`${field}: binary_data_size ${size} runs past the end of the body: only ${left} of the ${this.bytes.byteLength} bytes after the ${this.headerLength}-byte JSON header are left; the binary_data_size values must add up to the body length minus Inference-Header-Content-Length`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return out;
  }

  /** Every byte must belong to an input: leftovers mean the sizes or the header length are wrong. */
  finish(): void {
    const left = this.bytes.byteLength - this.offset;
    if (left > 0) {
      throw bad(`the binary inputs' binary_data_size values add up to ${this.offset} bytes but ${this.bytes.byteLength} bytes follow the ${this.headerLength}-byte JSON header (${left} unclaimed); they must add up to the body length minus Inference-Header-Content-Length`);
    }
  }
}

/**
 * An input's tensor from its `binary_data_size` bytes: a typed array over the received bytes
 * (copied only when misaligned, see typedArrayFromBytes). `binary` is undefined when the request
 * has no binary part (no Inference-Header-Content-Length).
 */
export function takeBinaryTensor(binary: BinarySection | undefined, size: unknown, datatype: Datatype, elements: number, shape: readonly number[], field: string): TypedData {
  if (binary === undefined) {
    throw bad(`${field}: has parameters.binary_data_size but the request has no Inference-Header-Content-Length header, so no binary data follows the JSON; send the header or put the values in "data"`);
  }
  if (!Number.isSafeInteger(size) || (size as number) < 0) throw bad(`${field}: parameters.binary_data_size must be a non-negative integer, not ${JSON.stringify(size)}`);
  const per = bytesPerElement(datatype);
  const want = elements * per;
  if (size !== want) {
    throw bad(`${field}: binary_data_size is ${String(size)} but shape [${shape.join(', ')}] of ${datatype} needs ${want} bytes (${elements} elements × ${per} bytes)`);
  }
  const bytes = binary.take(want, field);
  if (datatype === 'BOOL') checkBoolBytes(bytes, field);
  return typedArrayFromBytes(datatype, bytes);
}

/** onnxruntime reads BOOL bytes as C++ bools: anything but 0 and 1 is undefined behaviour there. */
function checkBoolBytes(bytes: Uint8Array, field: string): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b > 1) throw bad(`${field}: binary BOOL element ${i} is byte ${b}; each BOOL is one byte, 0 (false) or 1 (true)`);
  }
}

/** A `binary_data` / `binary_data_output` parameter: a boolean when given. */
export function binaryFlag(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw bad(`${where} must be true or false, not ${JSON.stringify(value)}`);
  if (value) checkHostByteOrder();
  return value;
}
