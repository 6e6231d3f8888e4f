// Dynamic batching with binary tensor data requests: concurrent callers sending raw FP32 rows are
// merged into shared batches, and each still gets exactly its own rows back, binary or JSON as it
// asked, equal to what the JSON path answers for the same rows.
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/examples/prng.js';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../src/serving/model-server.js';
import { postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';
import { decodeTensor, encodeTensor, postBinary } from './binary-client.js';

const FEATURES = 256;

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? NaN : Number(line.split(' ').pop());
}

describe('dynamic batching with binary tensor data', () => {
  let batched: ModelServer;
  let solo: ModelServer;
  before(async () => {
    // A long queue delay makes merging certain, so the test checks splitting, not timing.
    batched = await startModelServer({ modelPath: model('mlp.onnx'), name: 'mlp', workers: 2, batching: { enabled: true, maxBatchSize: 64, maxQueueDelayMs: 50, maxQueuedRequests: 1000 } });
    solo = await startModelServer({ modelPath: model('mlp.onnx'), name: 'mlp', batching: { enabled: false, maxBatchSize: 1, maxQueueDelayMs: 0, maxQueuedRequests: 1000 } });
  });
  after(async () => {
    await batched.close();
    await solo.close();
  });

  it('gives each of 64 concurrent binary callers its own rows, as the JSON path computes them', async () => {
    const rand = mulberry32(11);
    const callers = Array.from({ length: 64 }, (_, i) => {
      const rows = 1 + (i % 4);
      const values = Array.from({ length: rows * FEATURES }, () => Math.fround(rand() * 2 - 1));
      // Half ask for binary logits, half for JSON logits: both kinds share batches.
      return { id: `b${i}`, rows, values, binaryOut: i % 2 === 0 };
    });
    const replies = await Promise.all(
      callers.map((c) =>
        postBinary(
          `${batched.url}/v2/models/mlp/infer`,
          { id: c.id, inputs: [{ name: 'input', shape: [c.rows, FEATURES], datatype: 'FP32', parameters: { binary_data_size: c.values.length * 4 } }], outputs: [{ name: 'logits', parameters: { binary_data: c.binaryOut } }] },
          [encodeTensor('FP32', c.values)],
        ),
      ),
    );
    for (const [i, c] of callers.entries()) {
      const r = replies[i]!;
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.id, c.id);
      const out = r.body.outputs[0];
      assert.deepEqual(out.shape, [c.rows, 10]);
      const got = c.binaryOut ? (decodeTensor('FP32', r.binary.get('logits')!) as number[]) : (out.data as number[]);
      assert.equal(r.binary.has('logits'), c.binaryOut);
      const alone = await postJson(`${solo.url}/v2/models/mlp/infer`, { inputs: [{ name: 'input', shape: [c.rows, FEATURES], datatype: 'FP32', data: c.values }], outputs: [{ name: 'logits' }] });
      const want = alone.body.outputs[0].data as number[];
      assert.equal(got.length, want.length);
      // Batched and single-request matrix products may sum in a different order: float tolerance.
      got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) <= 1e-4 * Math.max(1, Math.abs(want[k]!)), `caller ${i} element ${k}: ${v} vs ${want[k]}`));
    }
    const text = await (await fetch(`${batched.url}/metrics`)).text();
    const executions = metric(text, 'meridian_inference_executions_total');
    assert.ok(executions < 64 / 2, `64 binary requests ran in ${executions} batches: batching merged them`);
    assert.equal(metric(text, 'meridian_inference_batch_size_sum'), callers.reduce((n, c) => n + c.rows, 0), 'every row was run exactly once');
  });
});
