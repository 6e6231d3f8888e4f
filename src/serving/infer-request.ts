// Parses and validates an OIP inference request body against the model's signature
// (OIP REST "Inference Request JSON Object"). Everything wrong becomes a BAD_REQUEST error that
// names the input and what to send instead; nothing here can crash the server. Inputs may also come
// as raw bytes behind the JSON (binary tensor data extension, see binary-data.ts). Runs in the
// inference workers, off the main thread (inference-worker.ts).
import { MeridianError } from '../core/errors.js';
import { binaryFlag, splitBody, takeBinaryTensor, type BinarySection } from './binary-data.js';
import { allocate, fillFromJson, isDatatype, type Datatype, type TypedData } from './datatypes.js';
import { elementCount, type ModelSignature } from './signature.js';

export interface InputTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TypedData;
}

export interface InferRequest {
  id?: string;
  inputs: InputTensor[];
  /** Output names the client asked for, in order; undefined means all. */
  outputs?: string[];
  parameters?: Record<string, unknown>;
  /** Outputs to send as binary tensor data (`binary_data` / `binary_data_output`); undefined means none. */
  binaryOutputs?: ReadonlySet<string>;
}

function bad(message: string): MeridianError {
  return new MeridianError('BAD_REQUEST', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw bad(`request body is not valid JSON (${e instanceof Error ? e.message : String(e)}); send an OIP inference request object`);
  }
}

/**
 * A whole request body: all JSON, or (with `Inference-Header-Content-Length` = `headerLength`) a
 * JSON header followed by binary tensor data.
 */
export function decodeBody(body: Buffer, headerLength: number | undefined, sig: ModelSignature): InferRequest {
  if (headerLength === undefined) return parseInferRequest(parseJsonBody(body), sig);
  const { json, binary } = splitBody(body, headerLength);
  return parseInferRequest(parseJsonBody(json), sig, binary);
}

/**
 * Validates a parsed request body against the signature. `binary` is the part of the body after the
 * JSON when the request uses the binary tensor data extension: inputs with
 * `parameters.binary_data_size` take their bytes from it, in the order they are listed, and every
 * byte must be taken.
 */
export function parseInferRequest(raw: unknown, sig: ModelSignature, binary?: BinarySection): InferRequest {
  if (!isObject(raw)) throw bad('request body must be a JSON object with an "inputs" array');
  const { id, inputs, outputs, parameters } = raw;
  if (id !== undefined && typeof id !== 'string') throw bad('"id" must be a string when given');
  if (parameters !== undefined && !isObject(parameters)) throw bad('"parameters" must be an object when given');
  if (!Array.isArray(inputs)) throw bad('"inputs" must be an array of input tensors');

  const seen = new Set<string>();
  const parsed: InputTensor[] = [];
  inputs.forEach((input: unknown, i) => {
    const t = parseInput(input, i, sig, binary);
    if (seen.has(t.name)) throw bad(`inputs[${i}]: input "${t.name}" is given twice`);
    seen.add(t.name);
    parsed.push(t);
  });
  const missing = sig.inputs.filter((s) => !seen.has(s.name)).map((s) => `"${s.name}"`);
  if (missing.length > 0) throw bad(`missing input ${missing.join(', ')}: the model needs ${sig.inputs.map((s) => `"${s.name}"`).join(', ')}`);
  binary?.finish();

  // binary_data_output asks for every output as binary; an output's own binary_data overrides it.
  const allBinary = binaryFlag(parameters?.binary_data_output, '"parameters.binary_data_output"') ?? false;
  const binaryOutputs = new Set<string>();
  let outputNames: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw bad('"outputs" must be an array of {"name": ...} objects when given');
    const known = new Set(sig.outputs.map((o) => o.name));
    outputNames = outputs.map((o: unknown, i) => {
      if (!isObject(o) || typeof o.name !== 'string') throw bad(`outputs[${i}] must be an object with a string "name"`);
      if (!known.has(o.name)) throw bad(`outputs[${i}]: unknown output "${o.name}"; the model has ${[...known].map((n) => `"${n}"`).join(', ')}`);
      const own = isObject(o.parameters) ? binaryFlag(o.parameters.binary_data, `outputs[${i}] ("${o.name}"): "parameters.binary_data"`) : undefined;
      if (own ?? allBinary) binaryOutputs.add(o.name);
      return o.name;
    });
  } else if (allBinary) {
    for (const o of sig.outputs) binaryOutputs.add(o.name);
  }
  return {
    ...(id !== undefined ? { id } : {}),
    inputs: parsed,
    ...(outputNames !== undefined ? { outputs: outputNames } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(binaryOutputs.size > 0 ? { binaryOutputs } : {}),
  };
}

function parseInput(input: unknown, i: number, sig: ModelSignature, binary: BinarySection | undefined): InputTensor {
  if (!isObject(input)) throw bad(`inputs[${i}] must be an object with name, shape, datatype and data`);
  const { name, shape, datatype, data, parameters } = input;
  if (typeof name !== 'string') throw bad(`inputs[${i}]: "name" must be a string`);
  const field = `input "${name}"`;
  const spec = sig.inputs.find((s) => s.name === name);
  if (spec === undefined) throw bad(`inputs[${i}]: unknown input "${name}"; the model's inputs are ${sig.inputs.map((s) => `"${s.name}"`).join(', ')}`);
  const binarySize = isObject(parameters) ? parameters.binary_data_size : undefined;
  if (binarySize !== undefined) {
    if (data !== undefined) throw bad(`${field}: has both "data" and parameters.binary_data_size; send its values one way, not both`);
    if (datatype === 'BYTES') throw bad(`${field}: BYTES tensors cannot be sent as binary data here: this server serves no BYTES (string) tensors, only fixed-size numeric and BOOL ones`);
  }
  if (!isDatatype(datatype)) throw bad(`${field}: datatype ${JSON.stringify(datatype)} is not an OIP datatype this server supports`);
  if (datatype !== spec.datatype) throw bad(`${field}: datatype ${datatype} does not match the model's ${spec.datatype}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw bad(`${field}: "shape" must be an array of non-negative integers`);
  }
  const dims = shape as number[];
  if (dims.length !== spec.shape.length || dims.some((d, k) => spec.shape[k] !== -1 && spec.shape[k] !== d)) {
    throw bad(`${field}: shape [${dims.join(', ')}] does not match the model's [${spec.shape.join(', ')}] (-1 = any size)`);
  }
  const n = elementCount(dims);
  if (binarySize !== undefined) return { name, datatype, shape: dims, data: takeBinaryTensor(binary, binarySize, datatype, n, dims, field) };
  if (!Array.isArray(data)) throw bad(`${field}: "data" must be an array (flat or nested)`);
  const flat = flatten(data, dims, field);
  if (flat.length !== n) throw bad(`${field}: shape [${dims.join(', ')}] needs ${n} elements but "data" has ${flat.length}`);
  const out = allocate(datatype, n);
  fillFromJson(datatype, flat, out, field);
  return { name, datatype, shape: dims, data: out };
}

/** Flattens nested data, checking that every nesting level agrees with the shape. */
function flatten(data: unknown[], shape: number[], field: string): unknown[] {
  if (data.length === 0 || !Array.isArray(data[0])) return data;
  const out: unknown[] = [];
  const walk = (a: unknown, depth: number): void => {
    if (!Array.isArray(a)) {
      if (depth !== shape.length) throw bad(`${field}: nested "data" is ${depth} levels deep where the shape has ${shape.length} dimensions`);
      out.push(a);
      return;
    }
    if (depth >= shape.length) throw bad(`${field}: nested "data" is deeper than the shape's ${shape.length} dimensions`);
    if (a.length !== shape[depth]) throw bad(`${field}: nested "data" has ${a.length} entries at dimension ${depth}, the shape says ${shape[depth]}`);
    for (const x of a) walk(x, depth + 1);
  };
  walk(data, 0);
  return out;
}
