// The engine forwards to real model servers and hides replica failures from the client: refused
// connections and 503s are retried elsewhere, 4xx answers are returned as they are, and the
// emulated network distance shows in the latency.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../../src/serving/model-server.js';
import { model } from '../../helpers/paths.js';
import { startModelServer } from '../../helpers/servers.js';
import { engine, ep, fakeUpstream, infer, percentile, refusedUrl, region, since, table, unavailableUpstream, type FakeUpstream } from './upstreams.js';

describe('forwarding engine: answers and retries', () => {
  let v1: ModelServer;
  let unavailable: FakeUpstream;
  let badRequest: FakeUpstream;
  let badRequest2: FakeUpstream;
  let refused = '';
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    v1 = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    unavailable = await unavailableUpstream();
    const answer400 = (_q: unknown, res: ServerResponse): void => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'input "input" has shape [1,3]; the model expects [-1,4]' }));
    };
    badRequest = await fakeUpstream(answer400);
    badRequest2 = await fakeUpstream(answer400);
    refused = await refusedUrl();
  });
  after(async () => {
    for (const s of stops) await s();
    await v1.close();
    await unavailable.close();
    await badRequest.close();
    await badRequest2.close();
  });

  it("forwards to the model server and returns the model's answer with region, version and endpoint", async () => {
    const { engine: e } = engine(table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', v1.url)] }])]));
    stops.push(() => e.stop());
    const r = await e.forward(infer(['eu-west-1'], { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body.toString());
    assert.equal(body.model_name, 'iris');
    assert.equal(body.model_version, 'v1');
    assert.equal(body.outputs[0].shape[0], 1);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual([r.region, r.version, r.endpointId, r.attempts, r.hedged], ['eu-west-1', 'v1', 'eu-west-1/iris:v1/0', 1, false]);
    const meta = await e.forward({ model: 'iris', action: 'metadata', method: 'GET', headers: {}, regionOrder: ['eu-west-1'] });
    assert.equal(meta.status, 200);
    assert.deepEqual(JSON.parse(meta.body.toString()).versions, ['v1']);
    const ready = await e.forward({ model: 'iris', version: 'v1', action: 'ready', method: 'GET', headers: {}, regionOrder: ['eu-west-1'] });
    assert.equal(ready.status, 200);
    await assert.rejects(e.forward({ ...infer(['eu-west-1']), version: 'v9' }), /version "v9" is not served/);
  });

  it('a refused endpoint is retried on another; the client always sees 200', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', refused, 'a'), ep('eu-west-1/iris:v1/1', v1.url, 'b')] }])]);
    const { engine: e } = engine(t, { outlierConsecutiveFailures: 1000 });
    stops.push(() => e.stop());
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await e.forward(infer(['eu-west-1'])));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.ok(results.every((r) => r.endpointId === 'eu-west-1/iris:v1/1'));
    const retried = results.filter((r) => r.attempts === 2).length;
    assert.ok(retried > 0, 'P2C picked the refused endpoint first at least once in 20');
  });

  it('an endpoint answering 503 is retried on another', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', unavailable.url, 'a'), ep('eu-west-1/iris:v1/1', v1.url, 'b')] }])]);
    const { engine: e } = engine(t, { outlierConsecutiveFailures: 1000 });
    stops.push(() => e.stop());
    const before503 = unavailable.hits.infer;
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await e.forward(infer(['eu-west-1'])));
    assert.ok(results.every((r) => r.status === 200));
    assert.equal(results.filter((r) => r.attempts === 2).length, unavailable.hits.infer - before503, 'each 503 cost exactly one retry');
    assert.ok(unavailable.hits.infer - before503 > 0);
  });

  it('4xx answers are answers: returned as they are, never retried', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', badRequest.url, 'a'), ep('eu-west-1/iris:v1/1', badRequest2.url, 'b')] }])]);
    const { engine: e } = engine(t);
    stops.push(() => e.stop());
    for (let i = 0; i < 10; i++) {
      const r = await e.forward(infer(['eu-west-1']));
      assert.equal(r.status, 400);
      assert.equal(r.attempts, 1);
      assert.match(JSON.parse(r.body.toString()).error, /expects \[-1,4\]/);
    }
    assert.equal(badRequest.hits.infer + badRequest2.hits.infer, 10);
    // The real model server's own 400 (a malformed body) is not retried either.
    const { engine: real } = engine(table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('a', v1.url), ep('b', badRequest2.url)] }])]));
    stops.push(() => real.stop());
    const r = await real.forward({ ...infer(['eu-west-1']), body: Buffer.from('{"inputs": "nope"}') });
    assert.equal(r.status, 400);
    assert.equal(r.attempts, 1);
  });

  it('emulated network delay adds about 2 × the one-way delay to every request', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', v1.url)] }])]);
    const { engine: near } = engine(t, {}, () => 0);
    const { engine: far } = engine(t, {}, () => 40);
    stops.push(() => near.stop(), () => far.stop());
    // Interleaved, so both engines see the same machine load.
    const ms = { near: [] as number[], far: [] as number[] };
    for (let i = 0; i < 15; i++) {
      for (const [name, e] of [['near', near], ['far', far]] as const) {
        const t0 = performance.now();
        const r = await e.forward(infer(['eu-west-1']));
        ms[name].push(since(t0));
        assert.equal(r.status, 200);
      }
    }
    const [base, delayed] = [percentile(ms.near, 0.5), percentile(ms.far, 0.5)];
    const added = delayed - base;
    console.log(`emulated delay 40 ms one way: median ${base.toFixed(1)} ms → ${delayed.toFixed(1)} ms (+${added.toFixed(1)} ms)`);
    // At least the two sleeps; above by timer lateness on a busy machine only.
    assert.ok(added >= 78 && added < 130, `added ${added.toFixed(1)} ms, expected ≈ 80`);
    const rtt = far.rttMs('eu-west-1');
    assert.ok(rtt !== undefined && rtt >= 80, `smoothed RTT ${String(rtt)} ms ≥ 2 × 40 ms`);
  });
});
