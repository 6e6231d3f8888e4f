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
      const t0 = performance.now();
      const r = await e.forward(infer(['eu-west-1']));
      const ms = since(t0);
      all.push(ms);
      assert.equal(r.status, 200);
      assert.equal(r.endpointId, 'eu-west-1/iris:v1/0');
      // Two endpoints, one hung: a request needed a second attempt exactly when it met the hung one.
      // (Counting the fake's hits per request would be racy: an attempt abandoned early may reach it late.)
      if (r.attempts > 1) {
        hitHung.push(ms);
        // Past latencyMinSamples (20) answers the hedge delay is max(p95, 25 ms) instead of the cold 100 ms.
        if (i >= 20) warmHitHung.push(ms);
        assert.equal(r.hedged, true, `a request that met the hung replica was saved by a hedge (attempts ${r.attempts})`);
      }
    }
    assert.ok(warmHitHung.length > 0, 'some requests met the hung replica once latency was known');
    assert.ok(hung.hits.infer > 0);
    console.log(
      `hung replica, before health checks: ${hitHung.length}/60 requests met it; their latency p50 ${percentile(hitHung, 0.5).toFixed(1)} ms, max ${Math.max(...hitHung).toFixed(1)} ms; ` +
        `once warm (p95 known): p50 ${percentile(warmHitHung, 0.5).toFixed(1)} ms, max ${Math.max(...warmHitHung).toFixed(1)} ms (all requests: p50 ${percentile(all, 0.5).toFixed(1)} ms)`,
    );
    // 300 ms, plus what machine load adds to any request (≈ 5 ms when idle): the slowest normal request.
    const normalMax = Math.max(...all.filter((x) => !hitHung.includes(x)));
    assert.ok(Math.max(...hitHung) < 300 + normalMax, `worst ${Math.max(...hitHung).toFixed(1)} ms (slowest normal request ${normalMax.toFixed(1)} ms)`);

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

  it('without hedging, the adaptive per-try timeout bounds what a hung replica costs; the deadline bounds everything', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', v1.url, 'a'), ep('eu-west-1/iris:v1/1', hung.url, 'b')] }])]);
    // Suspicion off too: this measures what each meeting with the hung replica costs, so requests
    // must keep meeting it (with suspicion, one timeout keeps new requests away from it).
    const { engine: e } = engine(t, { maxHedges: 0, outlierConsecutiveFailures: 1000, coldPerTryTimeoutMs: 200, suspectMs: 0 });
    stops.push(() => e.stop());
    const cold: number[] = [];
    const warm: number[] = [];
    const normal: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const r = await e.forward(infer(['eu-west-1']));
      const ms = since(t0);
      assert.equal(r.status, 200);
      assert.equal(r.hedged, false);
      if (r.attempts > 1) (i < 20 ? cold : warm).push(ms);
      else normal.push(ms);
    }
    assert.ok(warm.length > 0);
    // Per-try timeout = max(4 × p99, 100 ms); with under 100 answers the p99 is the slowest one.
    const expected = Math.max(4 * Math.max(...normal), 100);
    console.log(
      `no hedging, hung replica: cold per-try 200 ms → requests that met it took max ${Math.max(...cold).toFixed(1)} ms; ` +
        `warm per-try max(4 × p99 = 4 × ${Math.max(...normal).toFixed(1)}, 100) = ${expected.toFixed(0)} ms → p50 ${percentile(warm, 0.5).toFixed(1)} ms, max ${Math.max(...warm).toFixed(1)} ms`,
    );
    // Each: its timeout + one normal request elsewhere, with slack for timers on a loaded machine.
    const slack = 2 * Math.max(...normal) + 100;
    assert.ok(Math.max(...cold) < 200 + slack);
    assert.ok(Math.max(...warm) < expected + slack, 'warm, the timeout follows the p99 (floored at 100 ms), not the cold value');

    const { engine: allHung } = engine(table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/1', hung.url)] }])]), { deadlineMs: 300 });
    stops.push(() => allHung.stop());
    const t0 = performance.now();
    const r = await allHung.forward(infer(['eu-west-1']));
    const ms = since(t0);
    assert.deepEqual([r.status, r.errorCode], [504, 'DEADLINE_EXCEEDED']);
    assert.match(JSON.parse(r.body.toString()).error, /no answer within the 300 ms deadline/);
    assert.ok(ms >= 295 && ms < 500, `${ms.toFixed(1)} ms`);
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
    // interval × threshold; the slack is for timers on a loaded machine (2 cores shared with other test runs).
    assert.ok(detectMs <= interval * 2 + 300, `detected in ${detectMs.toFixed(0)} ms`);
    assert.equal(e.regionHealthy('iris', 'us-east-1'), true);
    // Now requests go straight to the next region: one attempt each, about 2 × 20 ms + inference.
    for (let i = 0; i < 10; i++) {
      const t1 = performance.now();
      const r = await e.forward(infer(['eu-west-1', 'us-east-1']));
      const ms = since(t1);
      assert.equal(r.status, 200);
      assert.equal(r.region, 'us-east-1');
      assert.equal(r.attempts, 1);
      assert.ok(ms < 300, `${ms.toFixed(1)} ms`);
    }
    const rtt = e.rttMs('us-east-1');
    assert.ok(rtt !== undefined && rtt >= 40 && rtt < 150, `smoothed RTT ${String(rtt)} ms ≈ 2 × 20 ms`);
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
