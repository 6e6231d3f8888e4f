// Dynamic batching correctness: under concurrency, requests are merged along the batch dimension
// and every caller gets exactly its own rows back.
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/examples/prng.js';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../src/serving/model-server.js';
import { postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? NaN : Number(line.split(' ').pop());
}

describe('dynamic batching', () => {
  let batched: ModelServer;
  let solo: ModelServer;
  before(async () => {
    // A long queue delay makes merging certain, so the test checks splitting, not timing.
    batched = await startModelServer({ modelPath: model('mlp.onnx'), name: 'mlp', batching: { enabled: true, maxBatchSize: 64, maxQueueDelayMs: 50, maxQueuedRequests: 1000 } });
    solo = await startModelServer({ modelPath: model('mlp.onnx'), name: 'mlp', batching: { enabled: false, maxBatchSize: 1, maxQueueDelayMs: 0, maxQueuedRequests: 1000 } });
  });
  after(async () => {
    await batched.close();
    await solo.close();
  });

  it('gives each of 48 concurrent callers its own rows, identical to running alone', async () => {
    const rand = mulberry32(7);
    const requests = Array.from({ length: 48 }, (_, i) => {
      const rows = 1 + (i % 3);
      return { id: `r${i}`, inputs: [{ name: 'input', shape: [rows, 256], datatype: 'FP32', data: Array.from({ length: rows * 256 }, () => Math.fround(rand() * 2 - 1)) }], outputs: [{ name: 'logits' }] };
    });
    const together = await Promise.all(requests.map((r) => postJson(`${batched.url}/v2/models/mlp/infer`, r)));
    const alone: Awaited<ReturnType<typeof postJson>>[] = [];
    for (const r of requests) alone.push(await postJson(`${solo.url}/v2/models/mlp/infer`, r));
    together.forEach((t, i) => {
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.equal(t.body.id, `r${i}`);
      const rows = requests[i]!.inputs[0]!.shape[0]!;
      assert.deepEqual(t.body.outputs[0].shape, [rows, 10]);
      const a: number[] = t.body.outputs[0].data;
      const b: number[] = alone[i]!.body.outputs[0].data;
      assert.equal(a.length, b.length);
      // Batched and single-row matrix products may sum in a different order: float tolerance.
      a.forEach((v, k) => assert.ok(Math.abs(v - b[k]!) <= 1e-4 * Math.max(1, Math.abs(b[k]!)), `request ${i} element ${k}: ${v} vs ${b[k]}`));
    });
    const text = await (await fetch(`${batched.url}/metrics`)).text();
    const executions = metric(text, 'meridian_inference_executions_total');
    assert.ok(executions < 48, `48 requests ran in ${executions} batches: batching merged them`);
    const rowsSum = metric(text, 'meridian_inference_batch_size_sum');
    assert.equal(rowsSum, requests.reduce((n, r) => n + r.inputs[0]!.shape[0]!, 0) + 0, 'every row was run exactly once');
  });

  it('does not merge when batching is off', async () => {
    const text = await (await fetch(`${solo.url}/metrics`)).text();
    assert.equal(metric(text, 'meridian_inference_executions_total'), 48);
  });
});
