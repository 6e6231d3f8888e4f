// dtypes.onnx computes what its documentation says, in the declared datatype, for each input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DTYPES_COMPUTES } from '../../src/examples/index.js';
import { buildIntoTempDir, type BuiltModels } from './built-models.js';

void describe('dtypes example model', () => {
  let built: BuiltModels;
  let outputs: ort.InferenceSession.OnnxValueMapType;
  before(async () => {
    built = await buildIntoTempDir();
    const session = await ort.InferenceSession.create(join(built.dir, 'dtypes.onnx'));
    // Two rows, so broadcasting of the scalar constant over the batch is exercised too.
    outputs = await session.run({
      x_fp32: new ort.Tensor('float32', Float32Array.of(1.5, -2, 0, 1e6), [2, 2]),
      x_fp64: new ort.Tensor('float64', Float64Array.of(0.1, -2, 1e300, 0), [2, 2]),
      x_i32: new ort.Tensor('int32', Int32Array.of(0, -1, 41, 2147483647), [2, 2]),
      x_i64: new ort.Tensor('int64', BigInt64Array.of(0n, -1n, 9007199254740993n, 41n), [2, 2]),
      x_bool: new ort.Tensor('bool', Uint8Array.of(1, 0, 0, 1), [2, 2]),
    });
    await session.release();
  });
  after(() => built.remove());

  const expected: Record<string, { type: string; data: ArrayLike<unknown> }> = {
    y_fp32: { type: 'float32', data: Float32Array.of(2.5, -1, 1, 1e6 + 1) },
    y_fp64: { type: 'float64', data: Float64Array.of(1.1, -1, 1e300, 1) },
    // int32 + 1 wraps at 2^31 − 1, as documented in dtypes-model.ts.
    y_i32: { type: 'int32', data: Int32Array.of(1, 0, 42, -2147483648) },
    // 2^53 + 1 and + 2: exact in int64 where a float64 detour would round.
    y_i64: { type: 'int64', data: BigInt64Array.of(1n, 0n, 9007199254740994n, 42n) },
    y_bool: { type: 'bool', data: Uint8Array.of(0, 1, 1, 0) },
  };

  for (const [name, want] of Object.entries(expected)) {
    void test(`${name} = ${DTYPES_COMPUTES[name]}, type ${want.type}, shape [2, 2]`, () => {
      const got = outputs[name];
      assert.ok(got !== undefined, `output ${name} exists`);
      assert.equal(got.type, want.type);
      assert.deepEqual(got.dims, [2, 2]);
      assert.deepEqual(got.data, want.data);
    });
  }

  void test('the manifest lists exactly these five inputs and outputs', () => {
    const entry = built.manifest.models.dtypes;
    assert.deepEqual(entry.inputs.map((s) => `${s.name}:${s.datatype}`), ['x_fp32:FP32', 'x_fp64:FP64', 'x_i32:INT32', 'x_i64:INT64', 'x_bool:BOOL']);
    assert.deepEqual(entry.outputs.map((s) => s.name), Object.keys(expected));
  });
});
