// The engine's metrics after real traffic (answers, retries, hedges, ejections, budget refusals,
// mirror copies, health changes) pass Prometheus' own linter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelServer } from '../../../src/serving/model-server.js';
import { model } from '../../helpers/paths.js';
import { promtoolCheck } from '../../helpers/promtool.js';
import { startModelServer } from '../../helpers/servers.js';
import { engine, ep, grayUpstream, hungUpstream, infer, refusedUrl, region, table, type FakeUpstream } from './upstreams.js';

describe('forwarding engine metrics', () => {
  let v1: ModelServer;
  let v2: ModelServer;
  let hung: FakeUpstream;
  let gray: FakeUpstream;
  let text = '';
  before(async () => {
    v1 = await startModelServer({ modelPath: model('iris-v1.onnx'), name: 'iris', version: 'v1' });
    v2 = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' });
    hung = await hungUpstream();
    gray = await grayUpstream();
    const t = table([
      region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', v1.url, 'a'), ep('eu-west-1/iris:v1/1', hung.url, 'b'), ep('eu-west-1/iris:v1/2', gray.url, 'c')] }], {
        mirror: { version: 'v2', percent: 50, endpoints: [ep('eu-west-1/iris:v2/0', v2.url)] },
      }),
      region('us-east-1', [{ version: 'v1', weight: 1, endpoints: [ep('us-east-1/iris:v1/0', await refusedUrl())] }]),
    ]);
    const { engine: e, registry } = engine(t, { healthIntervalMs: 50, coldHedgeDelayMs: 30 }, (r) => (r === 'us-east-1' ? 5 : 1));
    // A burst at the refused region before any health data: retries to eu-west-1, more than the budget allows.
    await Promise.all(Array.from({ length: 20 }, () => e.forward(infer(['us-east-1', 'eu-west-1']))));
    e.start();
    for (let i = 0; i < 30; i++) await e.forward(infer(['eu-west-1', 'us-east-1']));
    await e.forward({ model: 'iris', action: 'ready', method: 'GET', headers: {}, regionOrder: ['eu-west-1'] });
    await new Promise((r) => setTimeout(r, 300));
    text = registry.render();
    await e.stop();
  });
  after(async () => {
    await v1.close();
    await v2.close();
    await hung.close();
    await gray.close();
  });

  it('has every metric the router needs, with units in the names', () => {
    for (const family of [
      'meridian_router_requests_total counter',
      'meridian_router_request_duration_seconds histogram',
      'meridian_router_upstream_attempts_total counter',
      'meridian_router_retries_total counter',
      'meridian_router_hedges_total counter',
      'meridian_router_outlier_ejections_total counter',
      'meridian_router_endpoint_healthy gauge',
      'meridian_router_retry_budget_exhausted_total counter',
      'meridian_router_mirror_requests_total counter',
    ]) {
      assert.ok(text.includes(`# TYPE ${family}`), `missing ${family}`);
    }
    // The samples this traffic always produces (which of retries and hedges rescued a given request depends on timing).
    for (const sample of [
      'meridian_router_requests_total{action="infer",model="iris",region="eu-west-1",status="200",version="v1"}',
      'meridian_router_request_duration_seconds_bucket{model="iris",region="eu-west-1",version="v1",le="0.005"}',
      'meridian_router_upstream_attempts_total{model="iris",region="eu-west-1",result="ok",role="primary",version="v1"}',
      'meridian_router_upstream_attempts_total{model="iris",region="us-east-1",result="refused",role="primary",version="v1"}',
      'meridian_router_outlier_ejections_total{model="iris",region="eu-west-1",version="v1"}',
      'meridian_router_endpoint_healthy{endpoint="eu-west-1/iris:v1/1",model="iris",region="eu-west-1",version="v1"} 0',
      'meridian_router_endpoint_healthy{endpoint="eu-west-1/iris:v1/0",model="iris",region="eu-west-1",version="v1"} 1',
      'meridian_router_mirror_requests_total{model="iris",region="eu-west-1",result="ok",version="v2"}',
    ]) {
      assert.ok(text.includes(sample), `missing ${sample}`);
    }
    assert.match(text, /meridian_router_(retries|hedges)_total\{[^}]*region="us-east-1"[^}]*\} [1-9]/, 'the refused region cost retries or hedges');
  });

  it('passes promtool check metrics', async () => {
    const { code, output } = await promtoolCheck(text);
    assert.equal(code, 0, output);
  });
});
