// The router's HTTP/1.1 client for `http:` endpoints (http1-*.ts), through the transport's
// Dispatch contract, against real sockets: node:http servers for ordinary behaviour and raw
// net servers for what node:http would never send (responses byte by byte, 1xx, malformed ones,
// connections killed at exactly the wrong moment).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Cancel } from '../../../src/router/engine/cancel.js';
import { Http1Client } from '../../../src/router/engine/http1-pool.js';
import { createTransport, type Transport } from '../../../src/router/engine/transport.js';
import type { UpstreamResponse } from '../../../src/router/engine/types.js';
import { UpstreamError } from '../../../src/router/engine/upstream-error.js';

/** A server under test: its URL, the server-side sockets it accepted (in order), and close(). */
interface TestServer {
  url: string;
  port: number;
  sockets: Socket[];
  close(): Promise<void>;
}

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function listen(server: NetServer): Promise<TestServer> {
  const sockets: Socket[] = [];
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}`, port, sockets, close };
}

/** A node:http server answering with `handler`. */
function httpServer(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<TestServer & { server: Server }> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(parts)));
  });
  return listen(server).then((t) => ({ ...t, server }));
}

/** A raw TCP server: `onRequest(socket, n, head)` for each request head (bodies are not expected), `n` counting per connection. */
function rawServer(onRequest: (socket: Socket, n: number, head: string, connection: number) => void): Promise<TestServer> {
  let connections = 0;
  const server = createNetServer((socket) => {
    const connection = connections++;
    let buffered = '';
    let n = 0;
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => {
      buffered += c.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        onRequest(socket, n++, head, connection);
      }
    });
  });
  return listen(server);
}

/** Writes `text` one byte per write, yielding between writes so that each arrives in its own read. */
async function dribble(socket: Socket, text: string): Promise<void> {
  for (const b of Buffer.from(text, 'latin1')) {
    if (socket.destroyed) return;
    socket.write(Buffer.from([b]));
    await new Promise((r) => setImmediate(r));
  }
}

function transport(maxResponseBytes = 1 << 20): Transport {
  const t = createTransport(maxResponseBytes);
  cleanups.push(() => t.close());
  return t;
}

interface Call {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  cancel?: Cancel;
}

function send(t: Transport, url: string, c: Call = {}): Promise<UpstreamResponse> {
  const target = { model: 'm', region: 'r', version: 'v1', endpoint: { id: 'e1', zone: 'z', url }, key: 'e1' };
  const req = { target, role: 'primary' as const, action: 'infer' as const, method: c.method ?? 'GET', path: c.path ?? '/x', headers: c.headers ?? {}, ...(c.body !== undefined ? { body: c.body } : {}) };
  return t.dispatch(req, c.cancel ?? new Cancel());
}

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UpstreamError, `an UpstreamError, not ${String(e)}`);
    return e;
  }
  assert.fail('expected the request to fail');
}

const closed = (s: Socket | undefined): Promise<unknown> => (s === undefined ? Promise.reject(new Error('no socket')) : s.closed ? Promise.resolve() : once(s, 'close'));

describe('http1 client (transport for http: endpoints)', () => {
  it('GET and POST round trip: method, prefixed path, Host, headers and body reach the server; one keep-alive connection serves them in turn', async () => {
    const s = await httpServer((req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString() }));
    });
    const t = transport();
    const get = await send(t, `${s.url}/prefix/`, { path: '/v2/ready', headers: { traceparent: 'tp-1' } });
    const seen = JSON.parse(get.body.toString());
    assert.equal(get.status, 200);
    assert.deepEqual(get.headers, { 'content-type': 'application/json', 'x-echo': 'yes', date: get.headers.date });
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/prefix/v2/ready');
    assert.equal(seen.headers.host, `127.0.0.1:${s.port}`);
    assert.equal(seen.headers.traceparent, 'tp-1');
    assert.equal(seen.headers['content-length'], undefined, 'a GET without a body says nothing of one');
    const post = JSON.parse((await send(t, s.url, { method: 'POST', body: Buffer.from('{"inputs":[1]}'), headers: { 'content-type': 'application/json' } })).body.toString());
    assert.deepEqual([post.method, post.body, post.headers['content-length'], post.headers['content-type']], ['POST', '{"inputs":[1]}', '14', 'application/json']);
    const big = Buffer.alloc(100_000, 'b'); // over the copy threshold: written corked
    assert.equal(JSON.parse((await send(t, s.url, { method: 'POST', body: big })).body.toString()).body, big.toString());
    const empty = JSON.parse((await send(t, s.url, { method: 'POST' })).body.toString());
    assert.equal(empty.headers['content-length'], '0');
    assert.equal(s.sockets.length, 1, 'sequential requests share one connection');
  });

  it('concurrent requests open a connection each, which later requests reuse', async () => {
    const s = await httpServer((_q, res) => setTimeout(() => res.end('ok'), 30));
    const t = transport();
    const first = await Promise.all([send(t, s.url), send(t, s.url), send(t, s.url)]);
    assert.deepEqual(first.map((r) => r.body.toString()), ['ok', 'ok', 'ok']);
    assert.equal(s.sockets.length, 3);
    await Promise.all([send(t, s.url), send(t, s.url), send(t, s.url)]);
    await send(t, s.url);
    assert.equal(s.sockets.length, 3, 'no new connection while idle ones exist');
  });

  it('chunked responses (node:http, and raw ones with extensions and trailers, byte by byte) arrive whole', async () => {
    const h = await httpServer((_q, res) => {
      res.write('ab');
      setTimeout(() => {
        res.write('cd');
        res.end('ef');
      }, 5);
    });
    const t = transport();
    const r = await send(t, h.url);
    assert.equal(r.body.toString(), 'abcdef');
    assert.equal(r.headers['transfer-encoding'], undefined);
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;name="v"\r\nhello\r\nA \r\n world, 10\r\n0\r\nX-Trailer: t\r\n\r\n';
    const lengthed = 'HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nfives';
    const raw = await rawServer((socket, n) => void dribble(socket, n % 2 === 0 ? chunked : lengthed));
    for (let i = 0; i < 2; i++) {
      const c = await send(t, raw.url);
      assert.deepEqual([c.status, c.body.toString(), c.headers], [200, 'hello world, 10', { 'x-a': '1' }]);
      const l = await send(t, raw.url);
      assert.deepEqual([l.status, l.body.toString()], [201, 'fives']);
    }
    assert.equal(raw.sockets.length, 1, 'each response ended exactly where its framing said: the connection stayed usable');
  });

  it('a connection: close response and an HTTP/1.0 body read until close are not reused', async () => {
    const h = await httpServer((_q, res) => {
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const t = transport();
    assert.equal((await send(t, h.url)).body.toString(), 'bye');
    assert.equal((await send(t, h.url)).body.toString(), 'bye');
    assert.equal(h.sockets.length, 2);
    const raw = await rawServer((socket) => {
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ');
      setTimeout(() => socket.end('close'), 5);
    });
    const r = await send(t, raw.url);
    assert.deepEqual([r.status, r.body.toString(), r.headers], [200, 'until close', { 'content-type': 'text/plain' }]);
    await send(t, raw.url);
    assert.equal(raw.sockets.length, 2);
  });

  it('HEAD, 204 and 304 responses have no body, whatever their headers say, and leave the connection usable', async () => {
    const h = await httpServer((req, res) => {
      if (req.method === 'HEAD') res.writeHead(200, { 'content-length': '10' }).end();
      else if (req.url === '/none') res.writeHead(204).end();
      else res.end('after');
    });
    const t = transport();
    const head = await send(t, h.url, { method: 'HEAD' });
    assert.deepEqual([head.status, head.body.length], [200, 0]);
    assert.deepEqual([(await send(t, h.url, { path: '/none' })).status, (await send(t, h.url)).body.toString()], [204, 'after']);
    const raw = await rawServer((socket, n) => socket.write(n === 0 ? 'HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'));
    assert.deepEqual([(await send(t, raw.url)).status, (await send(t, raw.url)).body.toString()], [304, 'x']);
    assert.equal(h.sockets.length + raw.sockets.length, 2);
  });

  it('interim 1xx responses (100 Continue, 103 Early Hints) are skipped, in one read or byte by byte', async () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const raw = await rawServer((socket, n) => (n === 0 ? socket.write(text) : void dribble(socket, text)));
    const t = transport();
    for (let i = 0; i < 2; i++) {
      const r = await send(t, raw.url);
      assert.deepEqual([r.status, r.body.toString(), r.headers], [200, 'ok', {}]);
    }
  });

  it('repeated headers are joined with ", "; hop-by-hop and framing headers are dropped', async () => {
    const raw = await rawServer((socket) =>
      socket.write(
        'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Multi:1\r\nX-MULTI: \t2 \r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTrailer: x\r\nUpgrade: h2c\r\nProxy-Connection: x\r\nTE: trailers\r\nContent-Length: 2\r\n\r\nok',
      ),
    );
    const r = await send(transport(), raw.url);
    assert.deepEqual(r.headers, { 'set-cookie': 'a=1, b=2', 'x-multi': '1, 2' });
  });

  it('a refused connection fails as refused, naming the endpoint', async () => {
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await failure(send(transport(), `http://127.0.0.1:${port}`));
    assert.equal(e.reason, 'refused');
    assert.match(e.message, new RegExp(`e1 \\(127\\.0\\.0\\.1:${port}\\)`));
  });

  it('a server that dies mid-response fails the request as reset (a fresh connection is not retried)', async () => {
    const raw = await rawServer((socket, _n, _h, connection) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      setTimeout(() => (connection === 0 ? socket.destroy() : socket.resetAndDestroy()), 5);
    });
    const t = transport();
    assert.equal((await failure(send(t, raw.url))).reason, 'reset', 'FIN mid-body');
    assert.equal((await failure(send(t, raw.url))).reason, 'reset', 'RST mid-body');
    assert.equal(raw.sockets.length, 2);
  });

  it('a response over maxResponseBytes fails as too_large and its connection is closed', async () => {
    const h = await httpServer((req, res) => {
      if (req.url === '/length') res.end(Buffer.alloc(1000));
      else {
        res.write(Buffer.alloc(60));
        setTimeout(() => res.end(Buffer.alloc(60)), 5);
      }
    });
    const raw = await rawServer((socket) => socket.end(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(200)}`));
    const t = transport(100);
    for (const [url, path] of [[h.url, '/length'], [h.url, '/chunked'], [raw.url, '/eof']] as const) {
      const e = await failure(send(t, url, { path }));
      assert.equal(e.reason, 'too_large', path);
      assert.match(e.message, /e1 .* more than 100 bytes/);
    }
    await Promise.all(h.sockets.map(closed));
    assert.equal(h.sockets.length, 2);
  });

  it('malformed responses fail as network errors naming the endpoint, and the connection is closed', async () => {
    const bad = [
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n',
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}`,
      'HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\n folded: x\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
    ];
    const raw = await rawServer((socket, _n, _h, connection) => socket.write(bad[connection]!));
    const t = transport();
    for (const text of bad) {
      const e = await failure(send(t, raw.url));
      assert.equal(e.reason, 'network', text.slice(0, 60));
      assert.match(e.message, /^e1 \(127\.0\.0\.1:\d+\): malformed response: /);
    }
    await Promise.all(raw.sockets.map(closed));
  });

  it('cancel: an already aborted one sends nothing; one mid-flight rejects with its reason and closes the connection', async () => {
    let arrived: () => void = () => {};
    const h = await httpServer(() => arrived()); // never answers
    const t = transport();
    const early = new Cancel();
    const gone = new UpstreamError('aborted', 'e1: abandoned');
    early.abort(gone);
    assert.equal(await failure(send(t, h.url, { cancel: early })), gone);
    const cancel = new Cancel();
    const hedgeWon = new UpstreamError('slow', 'e1: a hedge answered first');
    const p = send(t, h.url, { cancel });
    await new Promise<void>((r) => (arrived = r));
    cancel.abort(hedgeWon);
    assert.equal(await failure(p), hedgeWon);
    await closed(h.sockets[0]);
    assert.equal(h.sockets.length, 1);
  });

  it('keep-alive race: a reused connection that closes before answering is retried once on a fresh one', async () => {
    // Connection 0 answers its first request, then dies when the next one arrives (FIN): the
    // retry on connection 1 is answered.
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const fin = await rawServer((socket, n) => (n === 0 ? socket.write(ok) : socket.destroy()));
    const t = transport();
    assert.equal((await send(t, fin.url)).body.toString(), 'ok');
    assert.equal((await send(t, fin.url, { method: 'POST', body: Buffer.from('{}') })).body.toString(), 'ok');
    assert.equal(fin.sockets.length, 2);
    // Everything after the very first request is reset (RST): the retry fails too, and there is no second retry.
    const rst = await rawServer((socket, n, _h, connection) => (n === 0 && connection === 0 ? socket.write(ok) : socket.resetAndDestroy()));
    await send(t, rst.url);
    assert.equal((await failure(send(t, rst.url))).reason, 'reset');
    assert.equal(rst.sockets.length, 2);
  });

  it('an idle connection the server closes is dropped silently; the next request opens a new one', async () => {
    const h = await httpServer((_q, res) => res.end('ok'));
    const t = transport();
    await send(t, h.url);
    h.server.closeIdleConnections();
    await closed(h.sockets[0]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await send(t, h.url)).body.toString(), 'ok');
    assert.equal(h.sockets.length, 2);
  });

  it("idle connections close after idleMs, sooner when the server's Keep-Alive hint says so", async () => {
    const h = await httpServer((_q, res) => res.end('ok'));
    const origin = { hostname: '127.0.0.1', port: h.port, host: `127.0.0.1:${h.port}`, prefix: '' };
    const target = { model: 'm', region: 'r', version: 'v1', endpoint: { id: 'e1', zone: 'z', url: h.url }, key: 'e1' };
    const req = { target, role: 'primary' as const, action: 'infer' as const, method: 'GET', path: '/', headers: {} };
    const client = new Http1Client(1000, 50);
    cleanups.push(() => client.close());
    await client.request(origin, req, new Cancel());
    const started = performance.now();
    await closed(h.sockets[0]);
    assert.ok(performance.now() - started < 1000, 'closed by the client after ~50 ms idle');
    // keepAliveTimeout 1.5 s → `Keep-Alive: timeout=1` → less than the margin: never pooled.
    h.server.keepAliveTimeout = 1500;
    const slow = new Http1Client(1000, 10_000);
    cleanups.push(() => slow.close());
    await slow.request(origin, req, new Cancel());
    await slow.request(origin, req, new Cancel());
    assert.equal(h.sockets.length, 3);
  });

  it('an idle pool does not keep the process alive (a client that never calls close() exits at once)', async () => {
    const h = await httpServer((_q, res) => res.end('ok'));
    const pool = new URL('../../../src/router/engine/http1-pool.js', import.meta.url).href;
    const cancel = new URL('../../../src/router/engine/cancel.js', import.meta.url).href;
    const script = `
      const { Http1Client } = await import(${JSON.stringify(pool)});
      const { Cancel } = await import(${JSON.stringify(cancel)});
      const c = new Http1Client(1000);
      const target = { endpoint: { id: 'e1', zone: 'z', url: '' } };
      const r = await c.request({ hostname: '127.0.0.1', port: ${h.port}, host: 'h', prefix: '' }, { target, method: 'GET', path: '/', headers: {} }, new Cancel());
      console.log(r.status);`;
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    assert.deepEqual([code, out.trim()], [0, '200']);
    assert.ok(performance.now() - started < 3000, 'exited well before the 4 s idle timeout');
    assert.equal(h.sockets.length, 1);
  });

  it('request headers with CR/LF are refused before anything is sent', async () => {
    const h = await httpServer((_q, res) => res.end('ok'));
    const t = transport();
    const e = await failure(send(t, h.url, { headers: { 'x-evil': 'a\r\nx-injected: 1' } }));
    assert.equal(e.reason, 'network');
    assert.match(e.message, /^e1 .*x-evil/);
    assert.equal((await failure(send(t, h.url, { headers: { 'bad name': 'v' } }))).reason, 'network');
    assert.equal(h.sockets.length, 0);
  });

  it('close() destroys every connection, idle or busy; a request in flight fails as reset', async () => {
    let arrived: () => void = () => {};
    const h = await httpServer((req, res) => (req.url === '/hang' ? arrived() : res.end('ok')));
    const t = transport();
    await send(t, h.url);
    const p = send(t, h.url, { path: '/hang' });
    await new Promise<void>((r) => (arrived = r));
    const idle = send(t, h.url);
    await idle;
    t.close();
    assert.equal((await failure(p)).reason, 'reset');
    await Promise.all(h.sockets.map(closed));
  });
});
