// The raw HTTP/1.1 front on real sockets with a small handler: keep-alive, pipelining in order,
// requests split anywhere, bodies by Content-Length, 413, HTTP/1.0 and Connection: close, HEAD,
// and its timeouts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FrontHandler, FrontRequest, FrontResponse } from '../../src/router/front/exchange.js';
import type { FrontOptions } from '../../src/router/front/front-options.js';
import { FrontServer } from '../../src/router/front/front-server.js';
import { RawClient, portOf, req } from './front-client.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  body: string | null;
}

/** Answers every request with JSON describing it, after `delayMs(url)` (0: at once, synchronously). */
function echo(seen: Seen[], delayMs: (url: string) => number = () => 0): FrontHandler & { inFlight: number; maxInFlight: number } {
  const h = {
    inFlight: 0,
    maxInFlight: 0,
    handle(q: FrontRequest, res: FrontResponse): void {
      const s: Seen = { method: q.method, url: q.url, headers: { ...q.headers }, body: q.body === undefined ? null : q.body.toString() };
      seen.push(s);
      h.inFlight++;
      h.maxInFlight = Math.max(h.maxInFlight, h.inFlight);
      const answer = (): void => {
        h.inFlight--;
        res.send(200, { 'content-type': 'application/json', 'x-url': q.url }, JSON.stringify(s));
      };
      const ms = delayMs(q.url);
      if (ms === 0) answer();
      else setTimeout(answer, ms);
    },
    fail(res: FrontResponse, e: unknown): void {
      res.send(413, { 'content-type': 'application/json' }, JSON.stringify({ error: (e as Error).message }));
    },
  };
  return h;
}

const servers: FrontServer[] = [];
async function start(handler: FrontHandler, options: Partial<FrontOptions> = {}): Promise<{ server: FrontServer; port: number }> {
  const server = new FrontServer(handler, { maxBodyBytes: 1 << 20, ...options });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: portOf(server) };
}

describe('raw front', () => {
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('keeps a connection alive across requests', async () => {
    const seen: Seen[] = [];
    const { port } = await start(echo(seen));
    const c = new RawClient(port);
    c.write(req('GET', '/a?x=1'));
    const r1 = await c.response();
    assert.equal(r1.status, 200);
    assert.equal(r1.headers.connection, 'keep-alive');
    assert.equal(r1.headers['keep-alive'], 'timeout=5');
    assert.match(r1.headers.date ?? '', /GMT$/);
    assert.equal(Number(r1.headers['content-length']), r1.body.length);
    c.write(req('POST', '/b', '{"x":1}', ['Content-Type: application/json', 'X-Twice: a', 'x-twice: b']));
    const r2 = await c.response();
    assert.equal(r2.headers['x-url'], '/b');
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.body]), [['GET', '/a?x=1', null], ['POST', '/b', '{"x":1}']]);
    assert.equal(seen[1]!.headers['content-type'], 'application/json', 'names in lower case');
    assert.equal(seen[1]!.headers['x-twice'], 'a, b', 'repeats joined as node:http joins them');
    assert.equal(c.socket.readyState, 'open');
    c.close();
  });

  it('answers pipelined requests in order, one at a time', async () => {
    const seen: Seen[] = [];
    const h = echo(seen, (url) => (url === '/1' ? 60 : url === '/2' ? 0 : 20));
    const { port } = await start(h);
    const c = new RawClient(port);
    c.write(req('GET', '/1') + req('POST', '/2', 'two') + req('GET', '/3') + req('HEAD', '/4') + req('GET', '/5'));
    const urls: string[] = [];
    for (let i = 1; i <= 5; i++) urls.push((await c.response(i === 4)).headers['x-url']!);
    assert.deepEqual(urls, ['/1', '/2', '/3', '/4', '/5']);
    assert.equal(h.maxInFlight, 1, 'request N+1 was handled only after N was answered');
    assert.equal(seen[1]!.body, 'two');
    assert.equal(c.pending, '', 'nothing after the last response: the HEAD answer had no body');
    c.close();
  });

  it('parses a request sent byte by byte, body included', async () => {
    const seen: Seen[] = [];
    const { port } = await start(echo(seen));
    const c = new RawClient(port);
    await c.trickle(req('POST', '/slow', 'abcdefghij', ['X-Long: ' + 'v'.repeat(300)]));
    const r = await c.response();
    assert.equal(r.status, 200);
    assert.equal(seen[0]!.body, 'abcdefghij');
    assert.equal(seen[0]!.headers['x-long'], 'v'.repeat(300));
    c.close();
  });

  it('gathers a body split across reads (and the pipelined request behind it)', async () => {
    const seen: Seen[] = [];
    const { port } = await start(echo(seen));
    const c = new RawClient(port);
    const body = 'x'.repeat(100_000);
    const all = req('POST', '/big', body) + req('GET', '/after');
    const cut = [all.length - 90_000, all.length - 40_000];
    c.write(all.slice(0, cut[0]));
    await new Promise((r) => setTimeout(r, 20));
    c.write(all.slice(cut[0], cut[1]));
    await new Promise((r) => setTimeout(r, 20));
    c.write(all.slice(cut[1]));
    assert.equal((await c.response()).status, 200);
    assert.equal((await c.response()).headers['x-url'], '/after');
    assert.equal(seen[0]!.body, body);
    c.close();
  });

  it('answers 413 for a body over the limit and closes the connection', async () => {
    const seen: Seen[] = [];
    const { port } = await start(echo(seen), { maxBodyBytes: 1000 });
    const c = new RawClient(port);
    c.write(req('POST', '/big', 'y'.repeat(1001)) + req('GET', '/never'));
    const r = await c.response();
    assert.equal(r.status, 413);
    assert.equal(r.headers.connection, 'close');
    assert.match(JSON.parse(r.body.toString()).error, /request body is larger than the 1000-byte limit/);
    await c.closed;
    assert.equal(seen.length, 0, 'neither the refused request nor the one behind it reached the handler');
  });

  it('closes after an HTTP/1.0 response unless asked to keep alive; honours Connection: close', async () => {
    const { port } = await start(echo([]));
    const c10 = new RawClient(port);
    c10.write(req('GET', '/old', undefined, [], '1.0'));
    assert.equal((await c10.response()).headers.connection, 'close');
    await c10.closed;
    const k10 = new RawClient(port);
    k10.write(req('GET', '/old', undefined, ['Connection: Keep-Alive'], '1.0'));
    assert.equal((await k10.response()).headers.connection, 'keep-alive');
    k10.write(req('GET', '/again', undefined, ['Connection: keep-alive'], '1.0'));
    assert.equal((await k10.response()).headers['x-url'], '/again');
    k10.close();
    const c11 = new RawClient(port);
    c11.write(req('GET', '/bye', undefined, ['Connection: close']) + req('GET', '/ignored'));
    assert.equal((await c11.response()).headers.connection, 'close');
    await c11.closed;
    assert.equal(c11.pending, '', 'the pipelined request after Connection: close is not answered');
  });

  it('HEAD: the headers of the GET, content-length included, and no body', async () => {
    const { port } = await start(echo([]));
    const c = new RawClient(port);
    c.write(req('HEAD', '/h') + req('GET', '/h'));
    const head = await c.response(true);
    const get = await c.response();
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(get.body.length + 1), '"HEAD" is one letter longer than "GET" in the echoed JSON');
    c.close();
  });

  it('closes an idle keep-alive connection after the keep-alive timeout, not one whose answer takes longer', async () => {
    const { port } = await start(echo([], (url) => (url === '/slow' ? 400 : 0)), { keepAliveTimeoutMs: 150 });
    const c = new RawClient(port);
    c.write(req('GET', '/slow'));
    assert.equal((await c.response()).headers['x-url'], '/slow', 'still open after 400 ms with its request in flight');
    const t0 = Date.now();
    await c.closed;
    const ms = Date.now() - t0;
    assert.ok(ms >= 100 && ms < 2000, `closed after ${ms} ms`);
  });

  it('keeps a keep-alive connection that goes on being used past the keep-alive timeout', async () => {
    const { port } = await start(echo([]), { keepAliveTimeoutMs: 150 });
    const c = new RawClient(port);
    let closed = false;
    void c.closed.then(() => (closed = true));
    // 8 requests 60 ms apart: 480 ms on one connection, never 150 ms quiet.
    for (let i = 0; i < 8; i++) {
      c.write(req('GET', `/n${i}`));
      assert.equal((await c.response()).headers['x-url'], `/n${i}`);
      await new Promise((r) => setTimeout(r, 60));
    }
    assert.equal(closed, false, 'still open while in use');
    await c.closed;
  });

  it('writes nothing for a client that left, and tells the request it is gone', async () => {
    let answered: (() => void) | undefined;
    const outcome: { aborted?: boolean; threw?: unknown; sent?: boolean } = {};
    const handler: FrontHandler = {
      handle(q, res) {
        q.gone.on(() => (outcome.aborted = true));
        answered = () => {
          try {
            res.send(200, {}, 'late');
          } catch (e) {
            outcome.threw = e;
          }
          outcome.sent = res.sent;
        };
      },
      fail: () => {},
    };
    const { port } = await start(handler);
    const c = new RawClient(port);
    c.write(req('GET', '/x'));
    while (answered === undefined) await new Promise((r) => setTimeout(r, 5));
    c.close();
    while (outcome.aborted !== true) await new Promise((r) => setTimeout(r, 5));
    answered();
    assert.deepEqual(outcome, { aborted: true, sent: true });
  });

  it('drops a client that never finishes its head (408, as node:http)', async () => {
    const { port } = await start(echo([]), { headersTimeoutMs: 200, requestTimeoutMs: 400, checkIntervalMs: 50 });
    const c = new RawClient(port);
    c.write('GET /slow HTTP/1.1\r\nhost: x\r\n');
    const r = await c.response();
    assert.equal(r.status, 408);
    await c.closed;
    const b = new RawClient(port);
    b.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc');
    assert.equal((await b.response()).status, 408, 'a body that never completes: the request timeout');
    await b.closed;
  });

  it('closeIdleConnections closes idle connections, not one with a request in flight; close() answers it with connection: close', async () => {
    const { server, port } = await start(echo([], (url) => (url === '/slow' ? 150 : 0)));
    const idle = new RawClient(port);
    idle.write(req('GET', '/x'));
    await idle.response();
    const busy = new RawClient(port);
    busy.write(req('GET', '/slow'));
    await new Promise((r) => setTimeout(r, 30));
    const closed = new Promise((r) => server.close(r));
    await idle.closed;
    const r = await busy.response();
    assert.equal(r.status, 200);
    assert.equal(r.headers.connection, 'close');
    await busy.closed;
    await closed;
  });
});
