// The performance MLP: loads in onnxruntime, declares the stated shapes, holds megabytes of weights,
// and computes what the TypeScript reference computes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { mlpLayers, mlpPredict } from '../../src/examples/index.js';
import { mulberry32 } from '../../src/examples/prng.js';
import { buildIntoTempDir, type BuiltModels } from './built-models.js';

void describe('mlp example model', () => {
  let built: BuiltModels;
  let session: ort.InferenceSession;
  before(async () => {
    built = await buildIntoTempDir();
    session = await ort.InferenceSession.create(join(built.dir, 'mlp.onnx'));
  });
  after(async () => {
    await session.release();
    await built.remove();
  });

  void test('declares input [batch, 256] and outputs logits, probabilities [batch, 10], all float32', () => {
    const shapes = [...session.inputMetadata, ...session.outputMetadata].map((m) => (m.isTensor ? [m.name, m.type, m.shape] : [m.name]));
    assert.deepEqual(shapes, [
      ['input', 'float32', ['batch', 256]],
      ['logits', 'float32', ['batch', 10]],
      ['probabilities', 'float32', ['batch', 10]],
    ]);
  });

  void test('holds at least 3 MB of weights', async () => {
    const model = onnxProto.onnx.ModelProto.decode(await readFile(join(built.dir, 'mlp.onnx')));
    const weightBytes = (model.graph?.initializer ?? []).reduce((sum, t) => sum + (t.rawData?.byteLength ?? 0), 0);
    assert.ok(weightBytes >= 3_000_000, `${weightBytes} bytes of initializers`);
    assert.equal(built.manifest.models.mlp.bytes, (await readFile(join(built.dir, 'mlp.onnx'))).byteLength);
  });

  void test('a batch of 8 rows matches the TypeScript reference within 1e-4', async () => {
    const rng = mulberry32(7);
    const rows = Array.from({ length: 8 }, () => Float32Array.from({ length: 256 }, () => rng() * 2 - 1));
    const flat = new Float32Array(8 * 256);
    rows.forEach((row, r) => flat.set(row, r * 256));
    const out = await session.run({ input: new ort.Tensor('float32', flat, [8, 256]) });
    const logits = out.logits?.data;
    const probabilities = out.probabilities?.data;
    assert.ok(logits instanceof Float32Array && probabilities instanceof Float32Array);
    assert.deepEqual(out.logits?.dims, [8, 10]);
    const reference = mlpPredict(mlpLayers(), rows);
    reference.logits.forEach((expected, r) => {
      expected.forEach((value, k) => {
        assert.ok(Math.abs(logits[r * 10 + k]! - value) <= 1e-4, `logit ${r},${k}: onnx ${logits[r * 10 + k]}, reference ${value}`);
        const p = reference.probabilities[r]![k]!;
        assert.ok(Math.abs(probabilities[r * 10 + k]! - p) <= 1e-4, `probability ${r},${k}`);
      });
    });
  });
});
