// A request whose rows make onnxruntime fail must not fail the requests merged into its batch:
// iris-bad-errors fails on versicolor-like rows (~25% of realistic traffic), so nearly every merged
// batch of realistic one-row requests holds one. The failed batch is retried request by request;
// only the bad rows get a 500 (logged as infer.failed), the others get iris v2's answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonLogger } from '../../src/core/log.js';
import { drawIrisRows, insideBox, IRIS_ERROR_BOX } from '../../src/examples/index.js';
import type { ModelServer } from '../../src/serving/model-server.js';
import { postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? NaN : Number(line.split(' ').pop());
}

describe('a failed merged batch is retried request by request', () => {
  let bad: ModelServer;
  let good: ModelServer;
  const logged: Record<string, unknown>[] = [];
  before(async () => {
    // A long queue delay makes merging certain: the test is about what happens inside a batch.
    const batching = { enabled: true, maxBatchSize: 64, maxQueueDelayMs: 50, maxQueuedRequests: 1000 };
    const logger = jsonLogger({}, (line) => logged.push(JSON.parse(line) as Record<string, unknown>));
    bad = await startModelServer({ modelPath: model('iris-bad-errors.onnx'), name: 'iris', version: 'bad-errors', batching, logger });
    good = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2', batching });
  });
  after(async () => {
    await bad.close();
    await good.close();
  });

  it('fails exactly the requests holding a bad row; the others in their batches get v2\'s answers', async () => {
    const rows = drawIrisRows(60, 23).map((r) => r.features);
    const request = (row: number[], i: number) => ({ id: `r${i}`, inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: row }] });
    const replies = await Promise.all(rows.map((row, i) => postJson(`${bad.url}/v2/models/iris/infer`, request(row, i))));
    const expected = await Promise.all(rows.map((row, i) => postJson(`${good.url}/v2/models/iris/infer`, request(row, i))));
    const inBox = rows.map((row) => insideBox(row, IRIS_ERROR_BOX));
    assert.ok(inBox.filter(Boolean).length >= 5 && inBox.filter((x) => !x).length >= 30, `a useful mix of bad rows: ${inBox.filter(Boolean).length} of ${rows.length}`);
    replies.forEach((r, i) => {
      if (inBox[i]) {
        assert.equal(r.status, 500, `row ${i} [${rows[i]!.join(', ')}] is in the error box`);
        assert.match(r.body.error, /^inference failed: .*Gather/);
      } else {
        assert.equal(r.status, 200, `row ${i} [${rows[i]!.join(', ')}]: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.id, `r${i}`);
        assert.equal(r.body.model_version, 'bad-errors');
        // Merged and single-row runs may sum in a different order: float tolerance on scores.
        const [probs, label] = r.body.outputs as { name: string; data: number[] }[];
        const [wantProbs, wantLabel] = expected[i]!.body.outputs as { name: string; data: number[] }[];
        assert.deepEqual(label, wantLabel);
        assert.equal(probs!.name, wantProbs!.name);
        probs!.data.forEach((p, k) => assert.ok(Math.abs(p - wantProbs!.data[k]!) <= 1e-5, `row ${i} score ${k}: ${p} vs ${wantProbs!.data[k]}`));
      }
    });
    const text = await (await fetch(`${bad.url}/metrics`)).text();
    assert.ok(metric(text, 'meridian_inference_executions_total') < rows.length, 'requests were merged into batches');
    assert.match(text, new RegExp(`meridian_inference_requests_total\\{model="iris",status="500",version="bad-errors"\\} ${inBox.filter(Boolean).length}\\n`));
    const failures = logged.filter((l) => l.event === 'infer.failed');
    assert.equal(failures.length, inBox.filter(Boolean).length);
    for (const f of failures) {
      assert.equal(f.status, 500);
      assert.equal(f.code, 'INTERNAL');
      assert.match(String(f.traceId), /^[0-9a-f]{32}$/);
    }
  });
});
