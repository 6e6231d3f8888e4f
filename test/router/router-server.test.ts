// The router's HTTP face in-process (real server on port 0, real upstreams): `GET
// /samples/{model}?since=` as the control plane polls it, and a client that disconnects abandons
// its upstream attempt.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RoutingTable } from '../../src/core/routing-table.js';
import { Registry } from '../../src/monitor/prometheus.js';
import { ForwardingEngine, type EngineSettings } from '../../src/router/engine/index.js';
import { createRouterServer } from '../../src/router/router-server.js';
import { TrafficStats } from '../../src/router/traffic-stats.js';
import { ep, fakeUpstream, freezableUpstream, IRIS_BODY, region, table, type FakeUpstream } from './engine/upstreams.js';

interface Sample {
  requestId: string;
  region: string;
  version: string;
  time: number;
  latencyMs: number;
  status: number;
  outputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[];
  mirror: boolean;
  role: string;
}

/** A router server over `t` with its own engine, listening on port 0. */
async function startRouter(t: RoutingTable, options: Partial<EngineSettings> = {}): Promise<{ url: string; engine: ForwardingEngine; close: () => Promise<void> }> {
  const registry = new Registry();
  const engine = new ForwardingEngine({ table: () => t, networkDelayMs: () => 0, registry, options });
  const server = createRouterServer({ edge: { latitude: 50.1, longitude: 8.7 }, table: () => t, engine, registry, maxBodyBytes: 1 << 20, connected: () => true, stats: new TrafficStats() });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    engine,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await engine.stop();
    },
  };
}

const inferVia = (url: string): Promise<Response> => fetch(`${url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: IRIS_BODY });
const samplesOf = async (url: string, query = ''): Promise<Sample[]> => (await (await fetch(`${url}/samples/iris${query}`)).json()) as Sample[];

describe('router server', () => {
  let ok: FakeUpstream;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    ok = await freezableUpstream();
  });
  after(async () => {
    for (const c of closers) await c();
    await ok.close();
  });

  it('GET /samples/{model}?since=T returns only samples newer than T, oldest first; a poll from the newest time seen misses nothing', async () => {
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', ok.url)] }])]);
    t.models.iris!.sampleRate = 1;
    const r = await startRouter(t);
    closers.push(r.close);
    await Promise.all(Array.from({ length: 30 }, () => inferVia(r.url).then((x) => x.arrayBuffer())));
    const all = await samplesOf(r.url);
    assert.equal(all.length, 30, 'without since: everything kept');
    assert.ok(all.every((s, i) => i === 0 || s.time > all[i - 1]!.time), 'oldest first, times strictly increasing');
    assert.deepEqual(await samplesOf(r.url, `?since=${all[9]!.time}`), all.slice(10));
    assert.deepEqual(await samplesOf(r.url, `?since=${all[29]!.time}`), []);
    // The control plane's loop: poll from the newest time seen, while requests keep arriving.
    let since = all[29]!.time;
    const polled: Sample[] = [];
    for (let round = 0; round < 5; round++) {
      await Promise.all([Promise.all(Array.from({ length: 7 }, () => inferVia(r.url).then((x) => x.arrayBuffer()))), samplesOf(r.url, `?since=${since}`).then((xs) => polled.push(...xs))]);
      const fresh = await samplesOf(r.url, `?since=${since}`);
      polled.push(...fresh.filter((s) => !polled.some((p) => p.requestId === s.requestId)));
      since = Math.max(since, ...polled.map((s) => s.time));
    }
    assert.equal(new Set(polled.map((s) => s.requestId)).size, 35, 'every request of the five rounds was seen exactly as a new sample');
    const s = all[0]!;
    console.log(`a sample as served: ${JSON.stringify(s)}`);
    assert.deepEqual(Object.keys(s), ['requestId', 'region', 'version', 'time', 'latencyMs', 'status', 'outputs', 'mirror', 'role']);
    assert.deepEqual([s.region, s.version, s.status, s.mirror, s.role, typeof s.requestId, typeof s.latencyMs], ['eu-west-1', 'v1', 200, false, 'primary', 'string', 'number']);
    const bad = await fetch(`${r.url}/samples/iris?since=yesterday`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /since: "yesterday" is not a number; give epoch milliseconds/);
  });

  it('a client that goes away abandons its upstream attempt at once', async () => {
    let upstreamClosed = 0;
    const hung = await fakeUpstream((req) => {
      if (req.url?.endsWith('/infer') === true) req.socket.once('close', () => upstreamClosed++);
    });
    closers.push(() => hung.close());
    const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', hung.url)] }])]);
    const r = await startRouter(t, { maxHedges: 0, coldPerTryTimeoutMs: 5000 });
    closers.push(r.close);
    const client = request(`${r.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    client.on('error', () => {});
    client.end(IRIS_BODY);
    const t0 = performance.now();
    while (hung.hits.infer === 0 && performance.now() - t0 < 2000) await new Promise((res) => setTimeout(res, 10));
    assert.equal(hung.hits.infer, 1, 'the request reached the upstream');
    client.destroy();
    const t1 = performance.now();
    while (upstreamClosed === 0 && performance.now() - t1 < 2000) await new Promise((res) => setTimeout(res, 10));
    assert.equal(upstreamClosed, 1, "the router closed the upstream request when its client left, long before the attempt's 5 s timeout");
  });
});

describe('router trace context (real model server behind it)', () => {
  it('continues the client\'s trace: the router answers with its own span, the model server sees that span as parent', async () => {
    const { startModelServer } = await import('../helpers/servers.js');
    const { model } = await import('../helpers/paths.js');
    const { parseTraceparent } = await import('../../src/core/trace-context.js');
    const server = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' });
    // Records the traceparent each upstream request carried, in front of the real model server.
    const seen: string[] = [];
    const tap = await fakeUpstream((req, res) => {
      seen.push(String(req.headers.traceparent));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`http://127.0.0.1:${server.port}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers: { 'content-type': 'application/json', traceparent: String(req.headers.traceparent) }, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) }).then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json', 'x-upstream-traceparent': r.headers.get('traceparent') ?? '' });
          res.end(Buffer.from(await r.arrayBuffer()));
        });
      });
    });
    const router = await startRouter(table([region('eu-west-1', [{ version: 'v2', weight: 1, endpoints: [ep('eu-west-1/iris:v2/0', tap.url)] }])]));
    try {
      const client = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const r = await fetch(`${router.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: client }, body: IRIS_BODY });
      assert.equal(r.status, 200);
      const back = parseTraceparent(r.headers.get('traceparent') ?? '');
      assert.equal(back?.traceId, '0af7651916cd43dd8448eb211c80319c', 'same trace');
      assert.notEqual(back?.spanId, 'b7ad6b7169203331', 'the router\'s own span');
      const upstream = parseTraceparent(seen.at(-1) ?? '');
      assert.equal(upstream?.traceId, back?.traceId);
      assert.equal(upstream?.spanId, back?.spanId, 'the model server\'s parent is the router\'s span');
      const server2 = parseTraceparent(r.headers.get('x-upstream-traceparent') ?? '');
      assert.equal(server2?.traceId, back?.traceId, 'the model server continued the same trace');
      // Without a client trace the router starts one.
      const fresh = await fetch(`${router.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: IRIS_BODY });
      assert.ok(parseTraceparent(fresh.headers.get('traceparent') ?? '') !== undefined);
      assert.notEqual(parseTraceparent(fresh.headers.get('traceparent') ?? '')?.traceId, back?.traceId);
    } finally {
      await router.close();
      await tap.close();
      await server.drain();
    }
  });
});
