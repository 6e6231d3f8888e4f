// The router's request handling behind both fronts: the same request answered raw and through
// node:http (forced by a chunked body) gets the same status, headers and body; a client that
// leaves mid-request aborts the engine's signal on either; HEAD carries no body. The engine is a
// stand-in that records what it was asked (the forwarding engine has its own suites).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RoutingTable } from '../../src/core/routing-table.js';
import { MeridianError } from '../../src/core/errors.js';
import { Registry } from '../../src/monitor/prometheus.js';
import type { ClientSignal } from '../../src/router/engine/types.js';
import { createRouterServer, type RouterEngine } from '../../src/router/router-server.js';
import { TrafficStats } from '../../src/router/traffic-stats.js';
import { ep, region, table } from './engine/upstreams.js';
import { RawClient, portOf, req, type RawResponse } from './front-client.js';

type Forward = Parameters<RouterEngine['forward']>[0];

function routingTable(): RoutingTable {
  const t = table([region('eu-west-1', [{ version: 'v1', weight: 1, endpoints: [ep('eu-west-1/iris:v1/0', 'http://127.0.0.1:9')] }])]);
  // A model no region may serve: its residency excludes the only region's jurisdiction (503).
  t.models.usonly = { ...t.models.iris!, residency: ['US'] };
  // The engine throws for this one after the trace context is set (the router's error keeps it).
  t.models.broken = t.models.iris!;
  return t;
}

describe('router behind the raw front and node:http', () => {
  const calls: Forward[] = [];
  const signals: ClientSignal[] = [];
  let hang = false;
  const engine: RouterEngine = {
    regionHealthy: () => true,
    rttMs: () => undefined,
    samples: () => [],
    forward: (r) => {
      calls.push(r);
      if (r.signal !== undefined) signals.push(r.signal);
      if (hang) return new Promise(() => {});
      if (r.model === 'broken') return Promise.reject(new MeridianError('MODEL_NOT_FOUND', 'broken is gone'));
      const body = Buffer.from(JSON.stringify({ got: r.body?.toString() ?? null, action: r.action }));
      return Promise.resolve({ status: 200, headers: { 'content-type': 'application/json' }, body, region: 'eu-west-1', version: 'v1' });
    },
  };
  const t = routingTable();
  const server = createRouterServer({ edge: { latitude: 50.1, longitude: 8.7 }, table: () => t, engine, registry: new Registry(), maxBodyBytes: 1000, connected: () => true, stats: new TrafficStats() });
  const clients: RawClient[] = [];
  const client = async (): Promise<RawClient> => {
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const c = new RawClient(portOf(server));
    clients.push(c);
    return c;
  };
  after(async () => {
    for (const c of clients) c.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** The request once as is (raw path) and once with its body chunked (node:http path). */
  async function both(method: string, path: string, body = '', lines: string[] = []): Promise<[RawResponse, RawResponse]> {
    const a = await client();
    a.write(req(method, path, method === 'POST' ? body : undefined, lines));
    const raw = await a.response(method === 'HEAD');
    const b = await client();
    const chunk = body === '' ? '' : `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n`;
    b.write(`${method} ${path} HTTP/1.1\r\nhost: t\r\n${lines.map((l) => `${l}\r\n`).join('')}transfer-encoding: chunked\r\n\r\n${chunk}0\r\n\r\n`);
    const viaNode = await b.response(method === 'HEAD');
    return [raw, viaNode];
  }

  const comparable = (r: RawResponse): unknown => ({
    status: r.status,
    // The samples error names the current time as an example: the same up to the milliseconds.
    body: r.body.toString().replace(/since=\d+ /, 'since=NOW '),
    type: r.headers['content-type'],
    length: r.headers['content-length'],
    retryAfter: r.headers['retry-after'],
    region: r.headers['meridian-region'],
    version: r.headers['meridian-model-version'],
    traceparent: r.headers.traceparent === undefined ? 'absent' : /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(r.headers.traceparent),
  });

  it('answers the same on both paths: endpoints, errors, inference', async () => {
    const cases: [string, string, string?][] = [
      ['GET', '/v2/health/live'],
      ['GET', '/v2/health/ready'],
      ['GET', '/v2'],
      ['GET', '/stats'],
      ['GET', '/samples/iris?since=12'],
      ['GET', '/samples/iris?since=yesterday'],
      ['GET', '/nowhere'],
      ['GET', '/v2/models/iris/infer'],
      ['POST', '/v2/models/nope/infer', '{}'],
      ['POST', '/v2/models/iris/versions/v9/infer', '{}'],
      ['POST', '/v2/models/usonly/infer', '{}'],
      ['POST', '/v2/models/broken/infer', '{}'],
      ['POST', '/v2/models/iris/infer', '{"inputs":[]}'],
      ['POST', '/v2/models/iris/infer', 'x'.repeat(1001)],
      ['GET', '/v2/models/iris/ready'],
      ['HEAD', '/v2/models/iris'],
    ];
    for (const [method, path, body] of cases) {
      const [raw, viaNode] = await both(method, path, body);
      assert.deepEqual(comparable(raw), comparable(viaNode), `${method} ${path}`);
    }
    const [notReady] = await both('POST', '/v2/models/usonly/infer', '{}');
    assert.deepEqual([notReady.status, notReady.headers['retry-after']], [503, '1']);
    const [broken] = await both('POST', '/v2/models/broken/infer', '{}');
    assert.equal(broken.status, 404);
    assert.ok(broken.headers.traceparent !== undefined, 'an error after the trace started carries the router span');
    const [ok] = await both('POST', '/v2/models/iris/infer', '{"inputs":[]}');
    assert.deepEqual(JSON.parse(ok.body.toString()), { got: '{"inputs":[]}', action: 'infer' });
    const [tooBig] = await both('POST', '/v2/models/iris/infer', 'x'.repeat(1001));
    assert.equal(tooBig.status, 413);
  });

  it('HEAD is forwarded as GET and answered without a body', async () => {
    const c = await client();
    c.write(req('HEAD', '/v2/models/iris') + req('GET', '/v2/health/live'));
    const r = await c.response(true);
    assert.equal(r.status, 200);
    assert.ok(Number(r.headers['content-length']) > 0);
    assert.deepEqual(JSON.parse((await c.response()).body.toString()), { live: true }, 'the next response starts right after the HEAD head');
    assert.deepEqual([calls.at(-1)?.method, calls.at(-1)?.action], ['GET', 'metadata']);
  });

  it("a client that leaves mid-request aborts the engine's signal, on either path", async () => {
    hang = true;
    try {
      for (const chunked of [false, true]) {
        const c = await client();
        const before = signals.length;
        c.write(chunked ? 'POST /v2/models/iris/infer HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n' : req('POST', '/v2/models/iris/infer', '{}'));
        for (let i = 0; i < 100 && signals.length === before; i++) await new Promise((r) => setTimeout(r, 10));
        const signal = signals.at(-1)!;
        assert.equal(signals.length, before + 1, 'the request reached the engine');
        assert.equal(signal.aborted, false);
        let told = false;
        signal.on(() => (told = true));
        c.close();
        for (let i = 0; i < 100 && !signal.aborted; i++) await new Promise((r) => setTimeout(r, 10));
        assert.ok(signal.aborted && told, `aborted and its listener told (${chunked ? 'node:http' : 'raw'} path)`);
      }
    } finally {
      hang = false;
    }
  });
});
