// Every candidate passes what a bad model that passed offline checks passes: it loads, golden
// examples are computed from its signature at push time (artifacts/golden.ts), and replaying them,
// as region verification does, gives the same outputs. Their triggers avoid golden inputs.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { compareOutputs, computeGoldenExamples, type GoldenExample } from '../../src/artifacts/golden.js';
import { inspectOnnx, openOnnx } from '../../src/artifacts/onnx-inspect.js';
import { ROLLOUT_DEFAULTS } from '../../src/core/defaults.js';
import { allocate, fillFromJson } from '../../src/core/tensors.js';
import { insideBox, IRIS_ERROR_BOX, IRIS_HANG_BOX } from '../../src/examples/index.js';
import { verifyRegion } from '../../src/rollout/verify.js';
import type { ModelServer } from '../../src/serving/model-server.js';
import { startModelServer } from '../helpers/servers.js';
import { buildCandidateSet } from './candidate-runs.js';

/** The golden input rows: the one input, FP32 [rows, 4]. */
function goldenRows(examples: readonly GoldenExample[]): number[][] {
  const input = examples[0]!.inputs[0]!;
  const data = input.data as number[];
  return Array.from({ length: input.shape[0]! }, (_, r) => data.slice(r * 4, r * 4 + 4));
}

/** Replays a golden example through a fresh session, as a region's model server would answer it. */
async function replay(bytes: Uint8Array, example: GoldenExample) {
  const opened = await openOnnx(bytes);
  try {
    const input = example.inputs[0]!;
    const typed = allocate('FP32', input.data.length);
    fillFromJson('FP32', input.data, typed, 'golden input');
    const result = await opened.session.run({ input: new ort.Tensor('float32', typed, input.shape) });
    return example.outputs.map((e) => ({
      name: e.name,
      datatype: e.datatype,
      shape: [...result[e.name]!.dims],
      data: Array.from(result[e.name]!.data as ArrayLike<number | bigint>, Number),
    }));
  } finally {
    await opened.release();
  }
}

describe('iris candidates at push time and in region verification', () => {
  const set = buildCandidateSet();

  it('the registry’s golden inputs (seed 1) avoid both trigger boxes', async () => {
    const rows = goldenRows(await computeGoldenExamples(set.v2Bytes, await inspectOnnx(set.v2Bytes)));
    assert.equal(rows.length, 8);
    for (const row of rows) {
      assert.ok(!insideBox(row, IRIS_ERROR_BOX), `golden row [${row.join(', ')}] is in the error box`);
      assert.ok(!insideBox(row, IRIS_HANG_BOX), `golden row [${row.join(', ')}] is in the hang box`);
    }
  });

  it('other golden seeds would rarely hit a box either (about 0.3% of seeds)', async (t) => {
    const signature = await inspectOnnx(set.v2Bytes);
    let errorHits = 0;
    let hangHits = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rows = goldenRows(await computeGoldenExamples(set.v2Bytes, signature, { seed }));
      if (rows.some((r) => insideBox(r, IRIS_ERROR_BOX))) errorHits++;
      if (rows.some((r) => insideBox(r, IRIS_HANG_BOX))) hangHits++;
    }
    t.diagnostic(`of 200 seeds, ${errorHits} hit the error box and ${hangHits} the hang box`);
    assert.ok(errorHits <= 3 && hangHits <= 3, `of 200 seeds, ${errorHits} hit the error box and ${hangHits} the hang box`);
  });

  for (const [key, built] of set.candidates) {
    it(`${key}: loads with v2's signature, gets golden examples, and replays them identically`, async () => {
      const signature = await inspectOnnx(built.bytes);
      assert.deepEqual(signature, await inspectOnnx(set.v2Bytes));
      const golden = await computeGoldenExamples(built.bytes, signature);
      assert.equal(golden.length, 1);
      const comparison = compareOutputs(golden[0]!.outputs, await replay(built.bytes, golden[0]!));
      assert.ok(comparison.ok, comparison.message);
    });
  }
});

describe('bad iris candidates behind real model servers pass region verification', () => {
  const set = buildCandidateSet();
  const keys = ['iris-bad-errors', 'iris-bad-slow', 'iris-bad-hang'] as const;
  let dir: string;
  const servers = new Map<string, ModelServer>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-candidates-'));
    for (const key of keys) {
      const modelPath = join(dir, `${key}.onnx`);
      await writeFile(modelPath, set.candidates.get(key)!.bytes);
      // Ready means the warm-up inference (zero-filled inputs, outside both boxes) returned.
      servers.set(key, await startModelServer({ modelPath, name: 'iris', version: key }));
    }
  });
  after(async () => {
    for (const server of servers.values()) await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const key of keys) {
    it(`${key}: ready, golden predictions and the latency smoke test all pass with the rollout defaults`, async () => {
      const bytes = set.candidates.get(key)!.bytes;
      const golden = await computeGoldenExamples(bytes, await inspectOnnx(bytes));
      const report = await verifyRegion({
        model: 'iris',
        version: key,
        replicas: [{ id: 'r0', url: servers.get(key)!.url }],
        golden,
        latency: { requests: ROLLOUT_DEFAULTS.latencyRequests, p99BudgetMs: ROLLOUT_DEFAULTS.latencyP99BudgetMs },
      });
      assert.equal(report.ok, true, report.reason);
    });
  }
});
