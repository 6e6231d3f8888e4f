// `meridian serve` as a real process: usage errors, 503 before the model is ready, and a SIGTERM
// that drains in-flight requests before exiting 0.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { postJson } from '../helpers/http.js';
import { model } from '../helpers/paths.js';
import { killAll, runCli, startCli } from '../helpers/processes.js';

const mlpRequest = (rows: number) => ({ inputs: [{ name: 'input', shape: [rows, 256], datatype: 'FP32', data: new Array<number>(rows * 256).fill(0.25) }] });

describe('meridian serve (process)', () => {
  after(killAll);

  it('exits 2 naming the missing flag', async () => {
    const r = await runCli(['serve', '--name', 'iris']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--model is required/);
  });

  it('exits 2 on a model file that does not exist', async () => {
    const r = await runCli(['serve', '--model', 'nope.onnx', '--name', 'iris']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--model: file ".*nope\.onnx" does not exist/);
  });

  it('exits 1 with a clear message on a file onnxruntime cannot load', async () => {
    const r = await runCli(['serve', '--model', 'package.json', '--name', 'x', '--port', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /meridian serve: /);
  });

  it('answers 503 while loading, then ready', async () => {
    const p = startCli(['serve', '--model', model('mlp.onnx'), '--name', 'mlp', '--port', '0', '--workers', '2']);
    const listening = await p.waitFor('server.listening');
    const url = `http://127.0.0.1:${String(listening.port)}`;
    const early = await fetch(`${url}/v2/health/ready`);
    const live = await fetch(`${url}/v2/health/live`);
    assert.equal(live.status, 200, 'live while the model loads');
    assert.equal(early.status, 503, 'not ready before warm-up');
    const inferEarly = await postJson(`${url}/v2/models/mlp/infer`, mlpRequest(1));
    if (p.events.some((e) => e.event === 'server.ready')) {
      assert.fail('the model became ready before the early request was answered; this test needs a slower load');
    }
    assert.equal(inferEarly.status, 503);
    assert.match(inferEarly.body.error, /still loading/);
    assert.equal(inferEarly.headers.get('retry-after'), '1');
    await p.waitFor('server.ready');
    assert.equal((await fetch(`${url}/v2/health/ready`)).status, 200);
    p.child.kill('SIGTERM');
    assert.deepEqual(await p.exited, { code: 0, signal: null });
  });

  it('drains in-flight requests on SIGTERM, then exits 0', async () => {
    const p = startCli(['serve', '--model', model('mlp.onnx'), '--name', 'mlp', '--port', '0', '--workers', '1', '--no-batching']);
    const ready = await p.waitFor('server.ready');
    const url = `http://127.0.0.1:${String(ready.port)}/v2/models/mlp/infer`;
    // 12 requests of 512 rows on one worker take a good fraction of a second to work through.
    const inflight = Array.from({ length: 12 }, () => postJson(url, mlpRequest(512)));
    await new Promise((r) => setTimeout(r, 150));
    p.child.kill('SIGTERM');
    const results = await Promise.all(inflight);
    assert.deepEqual(results.map((r) => r.status), new Array(12).fill(200));
    assert.deepEqual(await p.exited, { code: 0, signal: null });
    const events = p.events.map((e) => e.event);
    assert.ok(events.indexOf('server.draining') < events.indexOf('server.stopped'));
  });
});
