// What the raw front does not take goes to node:http on the same connection, bytes read so far
// included: chunked bodies, Expect: 100-continue, Upgrade, malformed syntax, oversized heads.
// Each is answered correctly, by the same handler where it is a request at all.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FrontHandler } from '../../src/router/front/exchange.js';
import { FrontServer } from '../../src/router/front/front-server.js';
import { RawClient, portOf, req } from './front-client.js';

/** Answers `{method, url, body}`; `fail` as the router does, with the error's message. */
const handler: FrontHandler = {
  handle(q, res) {
    res.send(200, { 'content-type': 'application/json' }, JSON.stringify({ method: q.method, url: q.url, body: q.body?.toString() ?? null }));
  },
  fail(res, e) {
    res.send(413, { 'content-type': 'application/json' }, JSON.stringify({ error: (e as Error).message }));
  },
};

describe('raw front: fallback to node:http', () => {
  const server = new FrontServer(handler, { maxBodyBytes: 1000 });
  let port = 0;
  const clients: RawClient[] = [];
  const client = async (): Promise<RawClient> => {
    if (port === 0) {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = portOf(server);
    }
    const c = new RawClient(port);
    clients.push(c);
    return c;
  };
  const bodyOf = (r: { body: Buffer }): any => JSON.parse(r.body.toString());
  after(async () => {
    for (const c of clients) c.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a chunked POST gets a normal answer, and the connection goes on (node:http owns it from then on)', async () => {
    const c = await client();
    c.write(req('GET', '/raw-first'));
    assert.equal(bodyOf(await c.response()).url, '/raw-first');
    c.write('POST /chunked HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
    await new Promise((r) => setTimeout(r, 20));
    c.write('6\r\n world\r\n0\r\n\r\n' + req('GET', '/after'));
    const r = await c.response();
    assert.equal(r.status, 200);
    assert.deepEqual(bodyOf(r), { method: 'POST', url: '/chunked', body: 'hello world' });
    assert.equal(bodyOf(await c.response()).url, '/after');
  });

  it('Expect: 100-continue gets its 100 from node:http, then the answer', async () => {
    const c = await client();
    c.write('POST /expect HTTP/1.1\r\nhost: t\r\ncontent-length: 3\r\nexpect: 100-continue\r\n\r\n');
    assert.equal((await c.response()).status, 100);
    c.write('abc');
    assert.deepEqual(bodyOf(await c.response()), { method: 'POST', url: '/expect', body: 'abc' });
  });

  it('a malformed request line is answered 400 by node:http', async () => {
    const c = await client();
    c.write('GET /a b c\r\nhost: t\r\n\r\n');
    assert.equal((await c.response()).status, 400);
    await c.closed;
  });

  it('a head with bare LF line ends goes to node:http at once (not left waiting for a CRLFCRLF)', async () => {
    const c = await client();
    c.write('GET /lf HTTP/1.1\nhost: t\n\n');
    assert.equal((await c.response()).status, 400, "node:http's parser refuses bare LF");
  });

  it('a header section over 16 KiB is answered 431', async () => {
    const c = await client();
    c.write(req('GET', '/big-head', undefined, ['x-big: ' + 'z'.repeat(17 * 1024)]));
    assert.equal((await c.response()).status, 431);
    await c.closed;
  });

  it('other methods, POST without content-length, HTTP/1.1 without Host, Upgrade: node:http decides', async () => {
    const c = await client();
    c.write('PUT /put HTTP/1.1\r\nhost: t\r\ncontent-length: 2\r\n\r\nhi');
    assert.deepEqual(bodyOf(await c.response()), { method: 'PUT', url: '/put', body: null });
    const d = await client();
    d.write('POST /nolength HTTP/1.1\r\nhost: t\r\n\r\n');
    assert.deepEqual(bodyOf(await d.response()), { method: 'POST', url: '/nolength', body: '' });
    const e = await client();
    e.write('GET /nohost HTTP/1.1\r\n\r\n');
    assert.equal((await e.response()).status, 400);
    const u = await client();
    u.write(req('GET', '/upgrade', undefined, ['connection: upgrade', 'upgrade: websocket']));
    // node:http without an 'upgrade' listener answers it as an ordinary request.
    assert.equal(bodyOf(await u.response()).url, '/upgrade');
  });

  it('a chunked body over the limit gets the same 413 as a raw one', async () => {
    const raw = await client();
    raw.write(req('POST', '/big', 'q'.repeat(1001)));
    const a = await raw.response();
    const chunked = await client();
    chunked.write(`POST /big HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n3e9\r\n${'q'.repeat(1001)}\r\n0\r\n\r\n`);
    const b = await chunked.response();
    assert.deepEqual([a.status, bodyOf(a)], [b.status, bodyOf(b)]);
  });

  it('closeAllConnections closes connections node:http owns too', async () => {
    const c = await client();
    c.write('POST /hang HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
    await new Promise((r) => setTimeout(r, 30));
    server.closeAllConnections();
    await c.closed;
  });
});
