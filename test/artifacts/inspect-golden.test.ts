// ONNX inspection and golden examples against the project's real models and real onnxruntime.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import onnxProto from 'onnx-proto';
import { compareOutputs, computeGoldenExamples, type JsonTensor } from '../../src/artifacts/golden.js';
import { inspectOnnx } from '../../src/artifacts/onnx-inspect.js';
import { isMeridianError } from '../../src/core/errors.js';
import { model } from '../helpers/paths.js';

const irisV2 = (): Promise<Buffer> => readFile(model('iris-v2.onnx'));

describe('inspectOnnx', () => {
  it('reads the iris-v2 signature in OIP terms, symbolic batch as -1', async () => {
    assert.deepEqual(await inspectOnnx(await irisV2()), {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
      ],
    });
  });

  it('maps every datatype of the dtypes model', async () => {
    const sig = await inspectOnnx(await readFile(model('dtypes.onnx')));
    assert.deepEqual(sig.inputs.map((t) => [t.name, t.datatype, t.shape]), [
      ['x_fp32', 'FP32', [-1, 2]],
      ['x_fp64', 'FP64', [-1, 2]],
      ['x_i32', 'INT32', [-1, 2]],
      ['x_i64', 'INT64', [-1, 2]],
      ['x_bool', 'BOOL', [-1, 2]],
    ]);
    assert.deepEqual(sig.outputs.map((t) => t.datatype), ['FP32', 'FP64', 'INT32', 'INT64', 'BOOL']);
  });

  it('refuses garbage bytes with MODEL_INVALID and says what to do', async () => {
    await assert.rejects(inspectOnnx(new TextEncoder().encode('this is not a model')), (e: unknown) => {
      assert.ok(isMeridianError(e, 'MODEL_INVALID'), String(e));
      assert.match(e.message, /not an ONNX model onnxruntime .* can load/);
      assert.match(e.message, /protobuf parsing failed/);
      assert.match(e.message, /onnx\.checker/);
      return true;
    });
  });

  it('refuses a model whose tensors the server cannot serve, naming each one', async () => {
    // float16 Identity: onnxruntime loads it, but OIP JSON here has no FP16.
    const { onnx } = onnxProto;
    const half = (name: string): object => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT16, shape: { dim: [{ dimParam: 'batch' }] } } } });
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: { name: 'half', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [half('x')], output: [half('y')] },
    }).finish();
    await assert.rejects(inspectOnnx(bytes), (e: unknown) => {
      assert.ok(isMeridianError(e, 'MODEL_INVALID'), String(e));
      assert.match(e.message, /"x" has element type float16/);
      assert.match(e.message, /cast the tensor/);
      return true;
    });
  });

  it('refuses a truncated model and empty bytes', async () => {
    const bytes = await irisV2();
    for (const b of [bytes.subarray(0, Math.floor(bytes.length / 2)), new Uint8Array(0)]) {
      await assert.rejects(inspectOnnx(b), (e: unknown) => isMeridianError(e, 'MODEL_INVALID') && /export the model again/.test(e.message));
    }
  });
});

describe('computeGoldenExamples', () => {
  it('runs generated inputs through the model: rows for the batch dimension, realistic values', async () => {
    const bytes = await irisV2();
    const [ex, ...rest] = await computeGoldenExamples(bytes, await inspectOnnx(bytes), { rows: 8, seed: 7 });
    assert.equal(rest.length, 0);
    assert.ok(ex);
    assert.deepEqual(ex.inputs.map((t) => [t.name, t.datatype, t.shape, t.data.length]), [['input', 'FP32', [8, 4], 32]]);
    assert.ok(ex.inputs[0]?.data.every((v) => typeof v === 'number' && v >= 0 && v < 8));
    const [probs, label] = ex.outputs;
    assert.deepEqual([probs?.name, probs?.shape, label?.name, label?.datatype, label?.shape], ['probabilities', [8, 3], 'label', 'INT64', [8]]);
    assert.ok(label?.data.every((v) => v === 0 || v === 1 || v === 2));
    // Each row of probabilities sums to 1: real inference ran, not a placeholder.
    for (let r = 0; r < 8; r++) {
      const row = (probs?.data ?? []).slice(3 * r, 3 * r + 3) as number[];
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, JSON.stringify(row));
    }
    // Stored in the database as JSON: it must survive the round trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(ex)), ex);
  });

  it('is deterministic for a seed and differs for another', async () => {
    const bytes = await irisV2();
    const sig = await inspectOnnx(bytes);
    const a = await computeGoldenExamples(bytes, sig, { seed: 1 });
    const b = await computeGoldenExamples(bytes, sig, { seed: 1 });
    const c = await computeGoldenExamples(bytes, sig, { seed: 2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0]?.inputs, c[0]?.inputs);
  });

  it('generates every datatype of the dtypes model', async () => {
    const bytes = await readFile(model('dtypes.onnx'));
    const [ex] = await computeGoldenExamples(bytes, await inspectOnnx(bytes), { rows: 3 });
    const byName = new Map(ex?.outputs.map((t) => [t.name, t]));
    const x = new Map(ex?.inputs.map((t) => [t.name, t]));
    assert.deepEqual(byName.get('y_i64')?.data, x.get('x_i64')?.data.map((v) => (v as number) + 1));
    assert.deepEqual(byName.get('y_bool')?.data, x.get('x_bool')?.data.map((v) => !(v as boolean)));
    assert.ok(x.get('x_i32')?.data.every((v) => Number.isInteger(v)));
  });
});

describe('compareOutputs', () => {
  const expected: JsonTensor[] = [
    { name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [0.1, 0.2, 0.7, 0.5, 0.25, 0.25] },
    { name: 'label', datatype: 'INT64', shape: [2], data: [2, 0] },
  ];
  const copy = (): JsonTensor[] => structuredClone(expected);

  it('accepts identical outputs and tiny float noise', () => {
    assert.equal(compareOutputs(expected, copy()).ok, true);
    const noisy = copy();
    noisy[0]!.data = (noisy[0]!.data as number[]).map((v) => v + 3e-6);
    const r = compareOutputs(expected, noisy);
    assert.equal(r.ok, true, r.message);
  });

  it('catches a float beyond tolerance and names the element', () => {
    const off = copy();
    off[0]!.data[4] = 0.2501;
    const r = compareOutputs(expected, off);
    assert.equal(r.ok, false);
    assert.deepEqual(r.worst, { output: 'probabilities', index: 4, expected: 0.25, actual: 0.2501 });
    assert.match(r.message, /output "probabilities"\[1\]\[1\] is 0\.2501, expected 0\.25/);
  });

  it('catches one integer differing: integers match exactly', () => {
    const off = copy();
    off[1]!.data[1] = 1;
    const r = compareOutputs(expected, off);
    assert.equal(r.ok, false);
    assert.deepEqual(r.worst, { output: 'label', index: 1, expected: 0, actual: 1 });
    assert.match(r.message, /must match exactly/);
  });

  it('catches a shape mismatch', () => {
    const off = copy();
    off[0]!.shape = [3, 2];
    const r = compareOutputs(expected, off);
    assert.equal(r.ok, false);
    assert.match(r.message, /"probabilities" has shape \[3,2\].*expected \[2,3\]/);
  });

  it('catches a missing output', () => {
    const r = compareOutputs(expected, copy().slice(0, 1));
    assert.equal(r.ok, false);
    assert.match(r.message, /output "label" is missing/);
  });
});
