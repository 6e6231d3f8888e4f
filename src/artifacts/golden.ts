// Golden examples: inputs generated from a model's signature and the outputs onnxruntime computes for
// them at push time. Every region replays them after provisioning; a replica that answers
// differently runs other bytes, another runtime build, or a broken server, and gets no traffic.
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { MeridianError } from '../core/errors.js';
import {
  allocate,
  datatypeOfOrt,
  elementCount,
  fillFromJson,
  ortTypeOf,
  toJsonValues,
  type Datatype,
  type ModelSignature,
  type TensorSpec,
  type TypedData,
} from '../core/tensors.js';
import { openOnnx } from './onnx-inspect.js';

/** A tensor in OIP REST JSON form (flat `data`), as sent in and returned by `/infer`. */
export interface JsonTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  /** Row-major; BOOL as booleans; `null` where JSON cannot hold the float (NaN, ±Infinity). */
  data: (number | boolean | null)[];
}

/** One OIP request body's inputs and the outputs the pushed model computed for them. JSON-serializable. */
export interface GoldenExample {
  inputs: JsonTensor[];
  outputs: JsonTensor[];
}

export interface GoldenOptions {
  /** Size of every variable first (batch) dimension. */
  rows?: number;
  /** Same seed, same inputs: a re-push of the same bytes stores the same examples. */
  seed?: number;
}

export const GOLDEN_DEFAULTS = {
  /** Enough rows to cover several branches of a classifier, small enough to run on the main thread. */
  rows: 8,
  seed: 1,
  /** Floats drawn from [0, 8): iris takes raw centimetre measurements; most models take small reals. */
  floatMax: 8,
  /** Integers from [0, 10): non-negative and small, so they are valid as indices or category ids. */
  intMax: 10,
} as const;

/**
 * Generates deterministic inputs from the signature and runs them through onnxruntime in this
 * process. Returns one example holding all rows.
 *
 * @throws MeridianError MODEL_INVALID when the bytes do not load; INVALID_ARGUMENT for bad options.
 */
export async function computeGoldenExamples(bytes: Uint8Array, signature: ModelSignature, options: GoldenOptions = {}): Promise<GoldenExample[]> {
  const rows = options.rows ?? GOLDEN_DEFAULTS.rows;
  const seed = options.seed ?? GOLDEN_DEFAULTS.seed;
  if (!Number.isInteger(rows) || rows < 1 || rows > 1024) {
    throw new MeridianError('INVALID_ARGUMENT', `golden rows: ${rows} is not an integer in [1, 1024]; a handful of rows is enough`);
  }
  if (!Number.isSafeInteger(seed)) throw new MeridianError('INVALID_ARGUMENT', `golden seed: ${seed} is not an integer`);
  const inputs = signature.inputs.map((spec) => generateInput(spec, rows, seed));
  const opened = await openOnnx(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of inputs) {
      const typed = allocate(t.datatype, t.data.length);
      fillFromJson(t.datatype, t.data, typed, `golden input "${t.name}"`);
      feeds[t.name] = new ort.Tensor(ortTypeOf(t.datatype), typed, t.shape);
    }
    // A few rows take well under a millisecond, so the main thread is fine: no worker needed.
    const result = await opened.session.run(feeds);
    const outputs = signature.outputs.map((spec): JsonTensor => {
      const t = result[spec.name];
      if (t === undefined) throw new MeridianError('MODEL_INVALID', `the model produced no output "${spec.name}" although its signature lists it`);
      const datatype = datatypeOfOrt(t.type) ?? spec.datatype;
      return { name: spec.name, datatype, shape: [...t.dims], data: toJsonValues(datatype, t.data as TypedData) as JsonTensor['data'] };
    });
    return [{ inputs, outputs }];
  } finally {
    await opened.release();
  }
}

function generateInput(spec: TensorSpec, rows: number, seed: number): JsonTensor {
  // A variable batch dimension gets `rows`; any other variable dimension 1, the smallest valid size.
  const shape = spec.shape.map((d, i) => (d >= 0 ? d : i === 0 ? rows : 1));
  const n = elementCount(shape);
  // SHAKE256 as a seeded stream: deterministic on every platform, and keyed by input name so
  // adding an input to a model does not change the values of the others.
  const bytes = createHash('shake256', { outputLength: 4 * n }).update(`meridian-golden/${seed}/${spec.name}`).digest();
  const data = new Array<number | boolean>(n);
  for (let i = 0; i < n; i++) {
    const u = bytes.readUInt32LE(4 * i) / 2 ** 32;
    data[i] = valueOf(spec.datatype, u);
  }
  return { name: spec.name, datatype: spec.datatype, shape, data };
}

function valueOf(dt: Datatype, u: number): number | boolean {
  if (dt === 'BOOL') return u < 0.5;
  // Two decimals keep the stored JSON short and read back to the same float32/64 everywhere.
  if (dt === 'FP32' || dt === 'FP64') return Math.floor(u * GOLDEN_DEFAULTS.floatMax * 100) / 100;
  return Math.floor(u * GOLDEN_DEFAULTS.intMax);
}

/** Floats match when |actual − expected| ≤ abs + rel·|expected| (numpy.isclose's rule). */
export interface Tolerance {
  abs: number;
  rel: number;
}

/** Default tolerance: float32 carries ~7 digits; different CPUs and thread counts differ in the last ones. */
export const DEFAULT_TOLERANCE: Tolerance = { abs: 1e-5, rel: 1e-4 };

export interface OutputMismatch {
  output: string;
  /** Row-major index into the output's flat data. */
  index: number;
  expected: unknown;
  actual: unknown;
}

export interface Comparison {
  ok: boolean;
  /** The element that failed (for floats: the one furthest beyond tolerance). */
  worst?: OutputMismatch;
  message: string;
}

/**
 * Compares a replica's outputs with the golden ones: integers and booleans exactly, floats within
 * `tolerance`. Missing outputs and shape or datatype differences fail; extra outputs are ignored.
 */
export function compareOutputs(expected: readonly JsonTensor[], actual: readonly JsonTensor[], tolerance: Tolerance = DEFAULT_TOLERANCE): Comparison {
  let values = 0;
  for (const e of expected) {
    const a = actual.find((t) => t.name === e.name);
    if (a === undefined) return fail(`output "${e.name}" is missing (got ${actual.map((t) => `"${t.name}"`).join(', ') || 'no outputs'})`);
    if (a.datatype !== e.datatype) return fail(`output "${e.name}" has datatype ${a.datatype}, expected ${e.datatype}`);
    if (!sameShape(a.shape, e.shape) || a.data.length !== e.data.length) {
      return fail(`output "${e.name}" has shape [${a.shape.join(',')}] with ${a.data.length} values, expected [${e.shape.join(',')}] with ${e.data.length}`);
    }
    const isFloat = e.datatype === 'FP32' || e.datatype === 'FP64';
    let worst: { index: number; excess: number } | undefined;
    for (let i = 0; i < e.data.length; i++) {
      const ev = e.data[i];
      const av = a.data[i];
      if (ev === av) continue;
      if (!isFloat || typeof ev !== 'number' || typeof av !== 'number') {
        return mismatch(e, i, av, 'exactly');
      }
      const excess = Math.abs(av - ev) / (tolerance.abs + tolerance.rel * Math.abs(ev));
      if (excess > 1 && (worst === undefined || excess > worst.excess)) worst = { index: i, excess };
    }
    if (worst !== undefined) {
      const av = a.data[worst.index] as number;
      const ev = e.data[worst.index] as number;
      return mismatch(e, worst.index, av, `within ${tolerance.abs} + ${tolerance.rel}·|expected| = ${tolerance.abs + tolerance.rel * Math.abs(ev)}, differs by ${Math.abs(av - ev)}`);
    }
    values += e.data.length;
  }
  return { ok: true, message: `${expected.length} outputs match (${values} values)` };

  function mismatch(e: JsonTensor, index: number, av: unknown, rule: string): Comparison {
    const ev = e.data[index];
    return {
      ok: false,
      worst: { output: e.name, index, expected: ev, actual: av },
      message: `output "${e.name}"${position(e.shape, index)} is ${JSON.stringify(av)}, expected ${JSON.stringify(ev)} (${e.datatype}, must match ${rule})`,
    };
  }
  function fail(message: string): Comparison {
    return { ok: false, message };
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `[1][2]` for flat index 5 of shape [8, 3]: people think in rows and columns, not offsets. */
function position(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  let rest = flat;
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k] ?? 1;
    idx.unshift(d > 0 ? rest % d : 0);
    rest = d > 0 ? Math.floor(rest / d) : 0;
  }
  return idx.map((i) => `[${i}]`).join('');
}
