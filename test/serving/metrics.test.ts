// /metrics carries what the issue asks for and passes `promtool check metrics`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../src/serving/model-server.js';
import { postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { startModelServer } from '../helpers/servers.js';

describe('model server metrics', () => {
  let server: ModelServer;
  let text = '';
  before(async () => {
    server = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    const ok = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };
    await Promise.all(Array.from({ length: 5 }, () => postJson(`${server.url}/v2/models/iris/infer`, ok)));
    await postJson(`${server.url}/v2/models/iris/infer`, '{broken');
    const r = await fetch(`${server.url}/metrics`);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    text = await r.text();
  });
  after(() => server.close());

  it('counts requests by model, version and status', () => {
    assert.match(text, /meridian_inference_requests_total\{model="iris",status="200",version="v1"\} 5/);
    assert.match(text, /meridian_inference_requests_total\{model="iris",status="400",version="v1"\} 1/);
  });

  it('has latency, queue-time and batch-size histograms, in-flight and readiness', () => {
    for (const name of [
      'meridian_inference_request_duration_seconds_bucket',
      'meridian_inference_queue_duration_seconds_bucket',
      'meridian_inference_compute_duration_seconds_bucket',
      'meridian_inference_batch_size_bucket',
      'meridian_inference_in_flight_requests',
      'meridian_model_ready{model="iris",version="v1"} 1',
    ]) {
      assert.ok(text.includes(name), `missing ${name}`);
    }
    assert.match(text, /meridian_inference_request_duration_seconds_count\{model="iris",version="v1"\} 5/);
  });

  it('passes promtool check metrics', async () => {
    const { code, output } = await promtoolCheck(text);
    assert.equal(output.trim(), '', `promtool complained:\n${output}`);
    assert.equal(code, 0);
  });
});
