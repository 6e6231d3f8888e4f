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

  it('exits 2 on a name or version the registry would refuse (core/names.ts), naming the flag', async () => {
    const long = await runCli(['serve', '--model', model('iris-v2.onnx'), '--name', 'x'.repeat(65)]);
    assert.equal(long.code, 2);
    assert.match(long.stderr, /--name: "x+" is 65 characters long \(at most 64\)/);
    const slash = await runCli(['serve', '--model', model('iris-v2.onnx'), '--name', 'iris', '--version', 'v2/beta']);
    assert.equal(slash.code, 2);
    assert.match(slash.stderr, /--version: "v2\/beta" contains "\/"/);
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
    // 12 requests of 1024 rows on one worker take a good fraction of a second to work through.
    // A request the server had not yet accepted may be reset by the drain: that is "refused", not a failure.
    const inflight = Array.from({ length: 12 }, () => postJson(url, mlpRequest(1024)).catch(() => ({ status: 'refused' as const })));
    // SIGTERM once several requests are inside the server; each of those must still get its answer.
    const base = `http://127.0.0.1:${String(ready.port)}`;
    let accepted = 0;
    const pollUntil = Date.now() + 20_000;
    while (accepted < 2) {
      const text = await (await fetch(`${base}/metrics`)).text();
      accepted = Number(/meridian_inference_in_flight_requests\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
      if (Date.now() > pollUntil) assert.fail('requests never were in flight together');
      await new Promise((r) => setTimeout(r, 5));
    }
    p.child.kill('SIGTERM');
    await p.waitFor('server.draining');
    const late = await postJson(url, mlpRequest(1)).catch(() => ({ status: 'refused' }));
    assert.ok(late.status === 503 || late.status === 'refused', `a request after SIGTERM is turned away (got ${late.status})`);
    const results = await Promise.all(inflight);
    const ok = results.filter((r) => r.status === 200).length;
    assert.ok(ok >= accepted, `${accepted} requests were in flight at SIGTERM, only ${ok} got 200`);
    assert.ok(results.every((r) => r.status === 200 || r.status === 503 || r.status === 'refused'), JSON.stringify(results.map((r) => r.status)));
    assert.deepEqual(await p.exited, { code: 0, signal: null });
    const events = p.events.map((e) => e.event);
    assert.ok(events.indexOf('server.draining') < events.indexOf('server.stopped'));
  });
});
