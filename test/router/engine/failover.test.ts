// Gray and hard failures under real traffic: a hung (SIGSTOPped) replica costs a hedge delay, not
// a timeout, and active checks take it out of rotation; a whole region down sends requests to the
// next region in the policy's order and turns regionHealthy false within interval × threshold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../../src/serving/model-server.js';
import { model } from '../../helpers/paths.js';
import { startModelServer } from '../../helpers/servers.js';
import { engine, ep, hungUpstream, infer, percentile, refusedUrl, region, since, table, unavailableUpstream, type FakeUpstream } from './upstreams.js';

describe('forwarding engine: hung replicas and region failover', () => {
  let v1: ModelServer;
  let v1b: ModelServer;
  let hung: FakeUpstream;
  let unavailable: FakeUpstream;
  let refused = '';
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    v1 = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    v1b = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    hung = await hungUpstream();
    unavailable = await unavailableUpstream();
    refused = await refusedUrl();
  });
  after(async () => {
    for (const s of stops) await s();
    await v1.close();
    await v1b.close();
    await hung.close();
    await unavailable.close();
  });

  it('a hung replica: every request still succeeds within ~300 ms, cold and warm; after active checks mark it down it gets no traffic', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', v1.url, 'a'), ep('eu-west-1/iris:v1/1', hung.url, 'b')] }])]);
    // Passive ejection off, so that what removes the hung replica here is the active check alone.
    const { engine: e, registry } = engine(t, { outlierConsecutiveFailures: 1000, healthIntervalMs: 100 });
    stops.push(() => e.stop());
    const hitHung: number[] = [];
    const warmHitHung: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < 60; i++) {
      const before = hung.hits.infer;
      const t0 = performance.now();
      const r = await e.forward(infer(['eu-west-1']));
      const ms = since(t0);
      all.push(ms);
      assert.equal(r.status, 200);
      assert.equal(r.endpointId, 'eu-west-1/iris:v1/0');
      if (hung.hits.infer > before) {
        hitHung.push(ms);
        // Past latencyMinSamples (20) answers the hedge delay is max(p95, 25 ms) instead of the cold 100 ms.
        if (i >= 25) warmHitHung.push(ms);
        assert.equal(r.hedged, true, 'a request that met the hung replica was saved by a hedge');
      }
    }
    assert.ok(warmHitHung.length > 0, 'some requests met the hung replica once latency was known');
    console.log(
      `hung replica, before health checks: ${hitHung.length}/60 requests met it; their latency p50 ${percentile(hitHung, 0.5).toFixed(1)} ms, max ${Math.max(...hitHung).toFixed(1)} ms; ` +
        `once warm (p95 known): p50 ${percentile(warmHitHung, 0.5).toFixed(1)} ms, max ${Math.max(...warmHitHung).toFixed(1)} ms (all requests: p50 ${percentile(all, 0.5).toFixed(1)} ms)`,
    );
    assert.ok(Math.max(...hitHung) < 300, `worst ${Math.max(...hitHung).toFixed(1)} ms`);
    assert.ok(percentile(warmHitHung, 0.5) < 80, 'warm, the hedge fires at the p95 (floor 25 ms), well before the cold 100 ms');

    // Active checks: probes of the hung replica time out (2 × 0 ms + 100 ms margin); 2 in a row mark it down.
    const t0 = performance.now();
    e.start();
    const down = /meridian_router_endpoint_healthy\{endpoint="eu-west-1\/iris:v1\/1",model="iris",region="eu-west-1",version="v1"\} 0/;
    while (!down.test(registry.render()) && since(t0) < 2000) await new Promise((r) => setTimeout(r, 5));
    assert.match(registry.render(), down);
    console.log(`hung replica marked down by active checks within ${since(t0).toFixed(0)} ms of start (probe interval 100 ms, timeout 100 ms, threshold 2)`);
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), true, 'the region keeps its healthy replica');
    const hitsBefore = hung.hits.infer;
    const after: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t1 = performance.now();
      const r = await e.forward(infer(['eu-west-1']));
      after.push(since(t1));
      assert.equal(r.status, 200);
      assert.equal(r.attempts, 1);
    }
    assert.equal(hung.hits.infer, hitsBefore, 'no more inference traffic to the hung replica');
    console.log(`after it was marked down: p50 ${percentile(after, 0.5).toFixed(1)} ms, max ${Math.max(...after).toFixed(1)} ms`);
  });

  it('a whole region down: the next region in regionOrder serves, and regionHealthy turns false within interval × threshold', async () => {
    const interval = 100;
    const t = table([
      region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', refused, 'a'), ep('eu-west-1/iris:v1/1', unavailable.url, 'b')] }]),
      region('us-east-1', [{ version: 'v1', weight: 1, endpoints: [ep('us-east-1/iris:v1/0', v1b.url, 'a')] }]),
    ]);
    const { engine: e } = engine(t, { healthIntervalMs: interval, healthUnhealthyThreshold: 2 }, (r) => (r === 'us-east-1' ? 20 : 5));
    stops.push(() => e.stop());
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), true, 'healthy until data arrives (Route 53)');
    // Before any health data: the request fails over by retries, and still succeeds.
    const first = await e.forward(infer(['eu-west-1', 'us-east-1']));
    assert.equal(first.status, 200);
    assert.equal(first.region, 'us-east-1');
    assert.equal(first.attempts, 3, 'both eu-west-1 endpoints, then us-east-1');
    const t0 = performance.now();
    e.start();
    while (e.regionHealthy('iris', 'eu-west-1') && since(t0) < 2000) await new Promise((r) => setTimeout(r, 5));
    const detectMs = since(t0);
    console.log(`region down detected by active checks in ${detectMs.toFixed(0)} ms (interval ${interval} ms × threshold 2 = ${interval * 2} ms)`);
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), false);
    assert.ok(detectMs <= interval * 2 + 50, `detected in ${detectMs.toFixed(0)} ms`);
    assert.equal(e.regionHealthy('iris', 'us-east-1'), true);
    // Now requests go straight to the next region: one attempt each, about 2 × 20 ms + inference.
    for (let i = 0; i < 10; i++) {
      const t1 = performance.now();
      const r = await e.forward(infer(['eu-west-1', 'us-east-1']));
      const ms = since(t1);
      assert.equal(r.status, 200);
      assert.equal(r.region, 'us-east-1');
      assert.equal(r.attempts, 1);
      assert.ok(ms < 40 + 100, `${ms.toFixed(1)} ms`);
    }
    const rtt = e.rttMs('us-east-1');
    assert.ok(rtt !== undefined && rtt >= 40 && rtt < 80, `smoothed RTT ${String(rtt)} ms ≈ 2 × 20 ms`);
  });

  it('every region down: a 503 naming what failed, after trying each endpoint once', async () => {
    const t = table([
      region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', refused)] }]),
      region('us-east-1', [{ version: 'v1', weight: 1, endpoints: [ep('us-east-1/iris:v1/0', unavailable.url)] }]),
    ]);
    const { engine: e } = engine(t);
    stops.push(() => e.stop());
    const r = await e.forward(infer(['eu-west-1', 'us-east-1']));
    assert.equal(r.status, 503);
    assert.equal(r.errorCode, 'UPSTREAM_UNAVAILABLE');
    assert.equal(r.attempts, 2);
    const msg: string = JSON.parse(r.body.toString()).error;
    assert.match(msg, /eu-west-1\/iris:v1\/0 .*refused the connection/);
    assert.match(msg, /us-east-1\/iris:v1\/0 answered 503: the server is shutting down/);
  });
});
