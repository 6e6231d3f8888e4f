// Passive outlier detection and the retry budget, against fake replicas that count their hits:
// a gray replica (ready, but inference fails) is ejected and comes back after the ejection time;
// the ejection cap never keeps a region whose endpoints all fail from failing out; and when every
// endpoint fails under concurrency, the budget bounds the upstream attempts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../../src/serving/model-server.js';
import { model } from '../../helpers/paths.js';
import { startModelServer } from '../../helpers/servers.js';
import { engine, ep, fakeUpstream, grayUpstream, infer, region, since, table, type FakeUpstream } from './upstreams.js';

describe('forwarding engine: outlier ejection and retry budget', () => {
  let v1: ModelServer;
  const grays: FakeUpstream[] = [];
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    v1 = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    for (let i = 0; i < 6; i++) grays.push(await grayUpstream());
  });
  after(async () => {
    for (const s of stops) await s();
    await v1.close();
    for (const g of grays) await g.close();
  });
  const gray = (i: number): FakeUpstream => grays[i]!;

  it('ejects a replica after consecutive failures and returns it after the ejection time', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', gray(0).url, 'a'), ep('eu-west-1/iris:v1/1', v1.url, 'b')] }])]);
    const base = 1000;
    const { engine: e, registry } = engine(t, { outlierConsecutiveFailures: 3, outlierBaseEjectionMs: base, healthIntervalMs: 50 });
    stops.push(() => e.stop());
    e.start(); // its ready probes pass: only passive detection can see this failure
    let n = 0;
    while (gray(0).hits.infer < 3 && n++ < 200) assert.equal((await e.forward(infer(['eu-west-1']))).status, 200);
    const ejectedAt = performance.now();
    assert.equal(gray(0).hits.infer, 3);
    assert.match(registry.render(), /meridian_router_outlier_ejections_total\{model="iris",region="eu-west-1",version="v1"\} 1/);
    for (let i = 0; i < 20 && since(ejectedAt) < base - 100; i++) assert.equal((await e.forward(infer(['eu-west-1']))).attempts, 1);
    assert.equal(gray(0).hits.infer, 3, 'no traffic while ejected');
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), true);
    await new Promise((r) => setTimeout(r, base - since(ejectedAt) + 20));
    for (let i = 0; i < 30 && gray(0).hits.infer === 3; i++) assert.equal((await e.forward(infer(['eu-west-1']))).status, 200);
    console.log(`gray replica ejected after 3 failures; back in rotation ${since(ejectedAt).toFixed(0)} ms later (base ejection ${base} ms)`);
    assert.ok(gray(0).hits.infer > 3, 'traffic again after the ejection time');
  });

  it('a replica whose inference hangs while its ready probe passes is ejected by the hedges it loses', async () => {
    const hangsOnInfer = await fakeUpstream((_q, res, kind) => {
      if (kind === 'ready') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"name":"iris","ready":true}');
      }
    });
    stops.push(() => hangsOnInfer.close());
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', hangsOnInfer.url, 'a'), ep('eu-west-1/iris:v1/1', v1.url, 'b')] }])]);
    const { engine: e, registry } = engine(t, { healthIntervalMs: 50 });
    stops.push(() => e.stop());
    e.start();
    const results = [];
    for (let i = 0; i < 40; i++) results.push(await e.forward(infer(['eu-west-1'])));
    assert.ok(results.every((r) => r.status === 200));
    assert.ok(results.filter((r) => r.hedged).length >= 3, 'it lost three races (outlierConsecutiveFailures 3), then was ejected');
    assert.ok(results.slice(-20).every((r) => r.attempts === 1));
    assert.match(registry.render(), /meridian_router_outlier_ejections_total\{model="iris",region="eu-west-1",version="v1"\} 1/);
    assert.match(registry.render(), /meridian_router_upstream_attempts_total\{model="iris",region="eu-west-1",result="slow",role="primary",version="v1"\} 3/);
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), true);
  });

  it('the ejection cap never keeps a failing region in rotation (Istio #34605)', async () => {
    const t = table([
      region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', gray(1).url, 'a'), ep('eu-west-1/iris:v1/1', gray(2).url, 'b')] }]),
      region('us-east-1', [{ version: 'v1', weight: 1, endpoints: [ep('us-east-1/iris:v1/0', v1.url)] }]),
    ]);
    // Cap 50% of 2 endpoints = 1: the second failing endpoint is marked but not skipped.
    const { engine: e } = engine(t, { outlierConsecutiveFailures: 3, outlierMaxEjectionPercent: 50 });
    stops.push(() => e.stop());
    let n = 0;
    while (e.regionHealthy('iris', 'eu-west-1') && n++ < 50) assert.equal((await e.forward(infer(['eu-west-1', 'us-east-1']))).status, 200);
    assert.equal(e.regionHealthy('iris', 'eu-west-1'), false, 'every endpoint failing: region unhealthy regardless of the cap');
    const hits = gray(1).hits.infer + gray(2).hits.infer;
    for (let i = 0; i < 20; i++) {
      const r = await e.forward(infer(['eu-west-1', 'us-east-1']));
      assert.deepEqual([r.status, r.region, r.attempts], [200, 'us-east-1', 1]);
    }
    assert.equal(gray(1).hits.infer + gray(2).hits.infer, hits, 'the failed region gets no more traffic');
  });

  it('the retry budget caps upstream attempts when every endpoint fails under concurrency', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-1'];
    const t = table(regions.map((r, i) => region(r, [{ version: 'v1', weight: 1, endpoints: [ep(`${r}/iris:v1/0`, gray(i * 2).url, 'a'), ep(`${r}/iris:v1/1`, gray(i * 2 + 1).url, 'b')] }])));
    // No ejection, so every request could try all 6 endpoints; 20 ms of emulated delay makes attempts overlap.
    const { engine: e, registry } = engine(t, { outlierConsecutiveFailures: 10_000 }, () => 20);
    stops.push(() => e.stop());
    const before = grays.reduce((a, g) => a + g.hits.infer, 0);
    const concurrency = 60;
    const results = await Promise.all(Array.from({ length: concurrency }, () => e.forward(infer(regions))));
    const attempts = grays.reduce((a, g) => a + g.hits.infer, 0) - before;
    console.log(`retry budget: ${concurrency} concurrent requests, every endpoint failing: ${attempts} upstream attempts (without a budget: ${concurrency * 6})`);
    assert.ok(results.every((r) => r.status === 503 && r.errorCode === 'UPSTREAM_UNAVAILABLE'));
    assert.ok(results.some((r) => /retry budget exhausted/.test(JSON.parse(r.body.toString()).error)));
    assert.equal(results.reduce((a, r) => a + r.attempts, 0), attempts);
    // About 60 first tries + 20% of 60 retries at once + 3 at a time after (84 on an idle machine);
    // when load spreads the failures out, slots free up for a few more. Without a budget: 6 per request.
    assert.ok(attempts < 2 * concurrency, `${attempts} attempts`);
    assert.match(registry.render(), /meridian_router_retry_budget_exhausted_total\{model="iris",role="retry"\} [1-9]/);
  });
});
