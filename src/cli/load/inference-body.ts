// A valid inference request for any model, built from its Open Inference Protocol metadata, so
// `meridian load` needs no sample file: every input gets its declared datatype and shape, with
// dynamic dimensions set to 1 (one row: the cheapest request the model accepts).
import { MeridianError } from '../../core/errors.js';
import { isDatatype, type Datatype } from '../../core/tensors.js';

/** One input or output of `GET /v2/models/{name}`. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** The part of the model metadata response the body is built from. */
export interface ModelMetadata {
  name: string;
  inputs: TensorMetadata[];
}

export interface InferenceRequest {
  inputs: { name: string; shape: number[]; datatype: Datatype; data: (number | boolean)[] }[];
}

/**
 * Checks that a metadata response has the shape the protocol promises.
 * @throws MeridianError `UNSUPPORTED` naming what is missing.
 */
export function parseModelMetadata(raw: unknown, model: string): ModelMetadata {
  const m = raw as { name?: unknown; inputs?: unknown } | null;
  const inputs = m?.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) throw new MeridianError('UNSUPPORTED', `the metadata of model "${model}" lists no inputs; cannot build a request for it`);
  return {
    name: typeof m?.name === 'string' ? m.name : model,
    inputs: inputs.map((t: unknown, i) => {
      const x = t as { name?: unknown; datatype?: unknown; shape?: unknown } | null;
      if (typeof x?.name !== 'string' || typeof x.datatype !== 'string' || !Array.isArray(x.shape) || !x.shape.every((d) => Number.isInteger(d))) {
        throw new MeridianError('UNSUPPORTED', `the metadata of model "${model}" has a malformed input #${i}: expected {name, datatype, shape}`);
      }
      return { name: x.name, datatype: x.datatype, shape: x.shape as number[] };
    }),
  };
}

/**
 * Element `k` of an input. Floats spread over [0, 8) (the golden-ratio step never repeats, so rows
 * are not all alike, and the range suits models trained on unscaled features like iris's cm);
 * integers cycle 0..3, valid in every integer type; booleans alternate.
 */
function valueAt(datatype: Datatype, k: number): number | boolean {
  if (datatype === 'BOOL') return k % 2 === 0;
  if (datatype === 'FP32' || datatype === 'FP64') return Math.round(((k * 0.6180339887 * 8) % 8) * 1000) / 1000;
  return k % 4;
}

/**
 * The request body: every input of the model, dynamic dimensions (-1) as 1, data flat.
 * @throws MeridianError `UNSUPPORTED` for a datatype we cannot fill (e.g. BYTES).
 */
export function buildInferenceRequest(meta: ModelMetadata): InferenceRequest {
  return {
    inputs: meta.inputs.map((t) => {
      if (!isDatatype(t.datatype)) throw new MeridianError('UNSUPPORTED', `input "${t.name}" of model "${meta.name}" has datatype ${t.datatype}, which meridian load cannot generate values for`);
      const datatype = t.datatype;
      const shape = t.shape.map((d) => (d < 0 ? 1 : d));
      const count = shape.reduce((a, b) => a * b, 1);
      return { name: t.name, shape, datatype, data: Array.from({ length: count }, (_, k) => valueAt(datatype, k)) };
    }),
  };
}
