// The exported iris classifiers, run by real onnxruntime, against the TypeScript reference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { IRIS_RECIPES, irisPredict, trainIrisVersion, type TrainedIris } from '../../src/examples/index.js';
import { buildIntoTempDir, type BuiltModels } from './built-models.js';

interface Run {
  readonly probabilities: Float32Array;
  readonly labels: BigInt64Array;
}

async function runIris(session: ort.InferenceSession, rows: readonly (readonly number[])[]): Promise<Run> {
  const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
  const out = await session.run({ input });
  const probabilities = out.probabilities?.data;
  const labels = out.label?.data;
  assert.ok(probabilities instanceof Float32Array, 'probabilities is float32');
  assert.ok(labels instanceof BigInt64Array, 'label is int64');
  return { probabilities, labels };
}

function accuracyOf(labels: BigInt64Array, truth: readonly number[], indices: readonly number[]): number {
  return indices.filter((i) => Number(labels[i]) === truth[i]).length / indices.length;
}

void describe('iris example models', () => {
  let built: BuiltModels;
  const trained = new Map<string, TrainedIris>();
  const runs = new Map<string, Run>();

  before(async () => {
    built = await buildIntoTempDir();
    for (const recipe of IRIS_RECIPES) {
      const t = trainIrisVersion(recipe);
      trained.set(recipe.version, t);
      const session = await ort.InferenceSession.create(join(built.dir, `iris-${recipe.version}.onnx`));
      runs.set(recipe.version, await runIris(session, t.data.rows));
      await session.release();
    }
  });
  after(() => built.remove());

  for (const version of ['v1', 'v2']) {
    void test(`${version}: onnxruntime probabilities equal the TypeScript reference within 1e-5 on all 150 rows, labels equal`, () => {
      const t = trained.get(version)!;
      const run = runs.get(version)!;
      const reference = irisPredict(t.params, t.data.rows);
      assert.equal(run.labels.length, 150);
      reference.probabilities.forEach((expected, r) => {
        expected.forEach((p, c) => {
          const actual = run.probabilities[r * 3 + c]!;
          assert.ok(Math.abs(actual - p) <= 1e-5, `row ${r} class ${c}: onnx ${actual}, reference ${p}`);
        });
        assert.equal(Number(run.labels[r]), reference.labels[r], `label of row ${r}`);
      });
    });

    void test(`${version}: manifest and metadata_props record the accuracy onnxruntime reproduces`, async () => {
      const t = trained.get(version)!;
      const run = runs.get(version)!;
      const entry = built.manifest.models[version === 'v1' ? 'iris-v1' : 'iris-v2'];
      assert.equal(entry.training?.testAccuracy, accuracyOf(run.labels, t.data.labels, t.split.test));
      assert.equal(entry.training?.trainAccuracy, accuracyOf(run.labels, t.data.labels, t.split.train));
      const model = onnxProto.onnx.ModelProto.decode(await readFile(join(built.dir, entry.file)));
      assert.equal(model.producerName, 'meridian');
      assert.match(model.docString, /Held-out accuracy/);
      const metadata = new Map(model.metadataProps.map((p) => [p.key, p.value]));
      assert.equal(metadata.get('test_accuracy'), entry.training?.testAccuracy.toFixed(4));
      assert.equal(metadata.get('training_seed'), String(t.recipe.seed));
    });
  }

  void test('v2 beats v1 on the held-out rows by at least 0.08', () => {
    const split = trained.get('v1')!.split;
    const truth = trained.get('v1')!.data.labels;
    const v1 = accuracyOf(runs.get('v1')!.labels, truth, split.test);
    const v2 = accuracyOf(runs.get('v2')!.labels, truth, split.test);
    assert.equal(split.test.length, 30);
    assert.ok(v1 >= 0.6 && v1 <= 0.9, `v1 held-out ${v1} should be deliberately weak`);
    assert.ok(v2 - v1 >= 0.08, `v2 ${v2} vs v1 ${v1}`);
  });

  void test('v1 ignores petal measurements: changing them changes nothing', async () => {
    const session = await ort.InferenceSession.create(join(built.dir, 'iris-v1.onnx'));
    try {
      const a = await runIris(session, [[5.9, 3.0, 1.0, 0.1]]);
      const b = await runIris(session, [[5.9, 3.0, 6.5, 2.4]]);
      assert.deepEqual(a.probabilities, b.probabilities);
    } finally {
      await session.release();
    }
  });
});
