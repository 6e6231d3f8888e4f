// The router as a real process in front of real local regions: policies with emulated distance,
// residency under failures, the last-known routing table when the control plane is gone, and
// OIP errors for bad requests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { model } from '../helpers/paths.js';
import { killAll, startCli, type Started } from '../helpers/processes.js';

const TOKEN = 'router-test-admin-token-0123';
const IRIS = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };

describe('router process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-router-'));
  const env = { ...process.env, MERIDIAN_TOKEN: TOKEN, MERIDIAN_HOME: dir };
  let cp: Started;
  let router: Started;
  let api = '';
  let routerUrl = '';
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> => {
    const r = await fetch(api + path, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, ...(body !== undefined ? { body: body instanceof Uint8Array ? body : JSON.stringify(body) } : {}) });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  const infer = async (name: string, headers: Record<string, string> = {}): Promise<{ status: number; region: string | null; body: any }> => {
    const r = await fetch(`${routerUrl}/v2/models/${name}/infer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(IRIS) });
    return { status: r.status, region: r.headers.get('meridian-region'), body: await r.json() };
  };
  const startControlPlane = async (): Promise<void> => {
    cp = startCli(['control-plane', '--data-dir', join(dir, 'cp')], env);
    api = String((await cp.waitFor('control-plane.ready')).apiUrl);
  };
  const startRouter = async (): Promise<void> => {
    router = startCli(['router', '--edge', 'frankfurt', '--state-file', join(dir, 'router-table.json')], { ...env, MERIDIAN_API_URL: api });
    routerUrl = String((await router.waitFor('router.ready')).url);
  };
  const settle = async (id: number): Promise<any> => {
    for (;;) {
      const r = await call('GET', `/api/v1/rollouts/${id}`);
      if (['succeeded', 'halted', 'rolled_back'].includes(r.status)) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  /** Waits until the router's table shows `n` regions for the model (it follows the control plane). */
  const routed = async (name: string, n: number): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      const file = join(dir, 'router-table.json');
      const t = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { models: {} };
      if ((t.models[name]?.regions.length ?? 0) === n) return;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`router never saw ${n} regions for ${name}`);
  };

  before(async () => {
    await startControlPlane();
    await call('PUT', '/api/v1/models/iris/versions/v1', new Uint8Array(readFileSync(model('iris-v2.onnx'))), 'application/octet-stream');
    await call('PUT', '/api/v1/models/eu-iris/versions/v1?residency=EU', new Uint8Array(readFileSync(model('iris-v2.onnx'))), 'application/octet-stream');
    const a = await call('POST', '/api/v1/models/iris/rollouts', { version: 'v1', regions: ['eu-central-1', 'eu-west-1', 'us-east-1'], parallel: 3, replicas: 1 });
    const b = await call('POST', '/api/v1/models/eu-iris/rollouts', { version: 'v1', regions: ['eu-central-1', 'eu-west-1'], parallel: 2, replicas: 1 });
    for (const id of [a.id, b.id]) {
      const done = await settle(id);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.regions.map((x: any) => [x.region, x.phase, x.reason])));
    }
    await startRouter();
    await routed('iris', 3);
  });
  after(() => {
    killAll();
    for (const line of execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dir))) {
      try {
        process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('latency: a router in Frankfurt sends to the European regions, not across the Atlantic', async () => {
    const counts = new Map<string | null, number>();
    for (let i = 0; i < 40; i++) {
      const r = (await infer('iris')).region;
      counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].filter((r) => r !== 'eu-central-1' && r !== 'eu-west-1'), [], JSON.stringify([...counts]));
    assert.ok((counts.get('eu-central-1') ?? 0) > 20, `most to the lowest-RTT region: ${JSON.stringify([...counts])}`);
    // Sampled attempt outcomes per region × version, for release analysis: a share of requests (the
    // engine's rate, or the model's from the table); test/router/router-server.test.ts covers them in full.
    const samples = (await (await fetch(`${routerUrl}/samples/iris?since=0`)).json()) as { requestId: string; region: string; version: string; status: number; outputs: { name: string }[] }[];
    assert.ok(Array.isArray(samples) && samples.length <= 40, `${samples.length} samples of 40 requests`);
    assert.ok(samples.every((x) => x.version === 'v1' && x.status === 200 && typeof x.requestId === 'string' && x.outputs.some((o) => o.name === 'probabilities')));
    const metrics = await (await fetch(`${routerUrl}/metrics`)).text();
    assert.match(metrics, /meridian_router_requests_total\{[^}]*region="eu-central-1"[^}]*\} \d+/);
  });

  it('geoproximity: the client location decides', async () => {
    await call('PUT', '/api/v1/models/iris/traffic', { type: 'geoproximity' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await infer('iris', { 'meridian-client-location': '40.7,-74.0' })).region, 'us-east-1');
    assert.equal((await infer('iris', { 'meridian-client-location': '53.3,-6.3' })).region, 'eu-west-1');
  });

  it('geolocation: country rules, a default, and no answer without a match', async () => {
    await call('PUT', '/api/v1/models/iris/traffic', { type: 'geolocation', rules: [{ match: 'country:DE', regions: ['eu-central-1'] }, { match: 'continent:EU', regions: ['eu-west-1'] }] });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await infer('iris', { 'meridian-client-country': 'DE' })).region, 'eu-central-1');
    assert.equal((await infer('iris', { 'meridian-client-country': 'FR' })).region, 'eu-west-1');
    const none = await infer('iris', { 'meridian-client-country': 'US' });
    assert.equal(none.status, 503);
    assert.match(none.body.error, /no region may serve model "iris" for clients in US/);
  });

  it('failover: the first healthy region in order; a frozen region is left within a second', async () => {
    await call('PUT', '/api/v1/models/iris/traffic', { type: 'failover', order: ['us-east-1', 'eu-west-1'] });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await infer('iris')).region, 'us-east-1');
    await call('POST', '/api/v1/drills', { region: 'us-east-1', mode: 'freeze' });
    try {
      const t0 = Date.now();
      const first = await infer('iris');
      assert.equal(first.status, 200, 'no failed request');
      assert.equal(first.region, 'eu-west-1');
      assert.ok(Date.now() - t0 < 1500, `first request after the freeze took ${Date.now() - t0} ms`);
    } finally {
      await call('POST', '/api/v1/drills', { region: 'us-east-1', mode: 'restore' });
    }
  });

  it('residency: an EU-only model is never served outside the EU, also while EU regions fail and recover', async () => {
    const seen = new Map<string, number>();
    let unavailable = 0;
    const drills = (async () => {
      for (const [region, mode] of [['eu-central-1', 'kill'], ['eu-central-1', 'restore'], ['eu-west-1', 'freeze'], ['eu-central-1', 'kill'], ['eu-west-1', 'restore'], ['eu-central-1', 'restore']] as const) {
        await call('POST', '/api/v1/drills', { region, mode });
        await new Promise((r) => setTimeout(r, 400));
      }
    })();
    let done = false;
    void drills.finally(() => (done = true));
    let attempted = 0;
    const worker = async (): Promise<void> => {
      // Until the drills are over and at least 1,000 requests were made, however slow the machine.
      while (!done || attempted < 1000) {
        attempted++;
        const r = await infer('eu-iris', { 'meridian-client-location': '40.7,-74.0' });
        if (r.status === 200) seen.set(r.region ?? '?', (seen.get(r.region ?? '?') ?? 0) + 1);
        else {
          assert.equal(r.status, 503, JSON.stringify(r.body));
          unavailable++;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await drills;
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    assert.ok(total >= 500, `only ${total} of ${attempted} requests served`);
    assert.deepEqual([...seen.keys()].filter((r) => !['eu-central-1', 'eu-west-1'].includes(r)), [], `served outside the EU: ${JSON.stringify([...seen])}`);
    assert.ok(unavailable <= total, 'sanity');
  });

  it('bad requests get OIP errors from the router or the model server', async () => {
    const unknown = await fetch(`${routerUrl}/v2/models/nope/infer`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /unknown model "nope"/);
    const wrongMethod = await fetch(`${routerUrl}/v2/models/iris/infer`);
    assert.equal(wrongMethod.status, 405);
    const malformed = await fetch(`${routerUrl}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [' });
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { error: string }).error, /not valid JSON/);
  });

  it('keeps serving the last routing table when the control plane is gone, also after its own restart', async () => {
    cp.child.kill('SIGKILL');
    await cp.exited;
    assert.equal((await infer('iris')).status, 200);
    router.child.kill('SIGTERM');
    await router.exited;
    await startRouter();
    const r = await infer('iris');
    assert.equal(r.status, 200, 'served from the table kept on disk');
    const ready = (await (await fetch(`${routerUrl}/v2/health/ready`)).json()) as { ready: boolean; controlPlaneConnected: boolean };
    assert.deepEqual(ready, { live: true, ready: true, controlPlaneConnected: false });
  });
});
