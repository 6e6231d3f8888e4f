// The raw front's request-head parser: what it takes (and how: names, repeats, keep-alive) and
// everything it leaves to node:http.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestHead, type RequestHead } from '../../src/router/front/request-head.js';

const blank = (): RequestHead => ({ method: '', url: '', headers: {}, contentLength: -1, keepAlive: false });
const parse = (lines: string[]): RequestHead | undefined => {
  const r = blank();
  return parseRequestHead(lines.join('\r\n'), r) ? r : undefined;
};

describe('raw front: request head', () => {
  it('takes a plain request: method, target, lower-cased names, trimmed values, framing', () => {
    const r = parse(['POST /v2/models/iris/infer?x=1 HTTP/1.1', 'Host: router', 'Content-Type:  application/json \t', 'Content-Length: 12', 'TraceParent:00-abc']);
    assert.deepEqual(r, { method: 'POST', url: '/v2/models/iris/infer?x=1', headers: { host: 'router', 'content-type': 'application/json', 'content-length': '12', traceparent: '00-abc' }, contentLength: 12, keepAlive: true });
  });

  it('keeps repeats as node:http does: joined, cookies with "; ", some fields first only', () => {
    const r = parse(['GET / HTTP/1.1', 'host: h', 'x-forwarded-for: 1.1.1.1', 'X-Forwarded-For: 2.2.2.2', 'cookie: a=1', 'cookie: b=2', 'content-type: a/b', 'content-type: c/d']);
    assert.deepEqual(r?.headers, { host: 'h', 'x-forwarded-for': '1.1.1.1, 2.2.2.2', cookie: 'a=1; b=2', 'content-type': 'a/b' });
  });

  it('keep-alive: HTTP/1.1 unless close, HTTP/1.0 only when asked', () => {
    assert.equal(parse(['GET / HTTP/1.1', 'host: h'])?.keepAlive, true);
    assert.equal(parse(['GET / HTTP/1.1', 'host: h', 'connection: foo, Close'])?.keepAlive, false);
    assert.equal(parse(['GET / HTTP/1.0'])?.keepAlive, false);
    assert.equal(parse(['HEAD / HTTP/1.0', 'Connection: Keep-Alive'])?.keepAlive, true);
  });

  it('leaves everything unusual to node:http', () => {
    const no: string[][] = [
      ['PUT / HTTP/1.1', 'host: h', 'content-length: 0'],
      ['OPTIONS * HTTP/1.1', 'host: h'],
      ['GET http://x/ HTTP/1.1', 'host: h'],
      ['GET / HTTP/2.0', 'host: h'],
      ['GET / HTTP/1.1 ', 'host: h'],
      ['GET  / HTTP/1.1', 'host: h'],
      ['GET /a b HTTP/1.1', 'host: h'],
      ['get / HTTP/1.1', 'host: h'],
      ['GET / HTTP/1.1'],
      ['GET / HTTP/1.1', 'host: a', 'host: b'],
      ['POST / HTTP/1.1', 'host: h'],
      ['POST / HTTP/1.1', 'host: h', 'content-length: 1', 'content-length: 1'],
      ['POST / HTTP/1.1', 'host: h', 'content-length: +1'],
      ['POST / HTTP/1.1', 'host: h', 'content-length: 1,1'],
      ['POST / HTTP/1.1', 'host: h', 'transfer-encoding: chunked'],
      ['POST / HTTP/1.1', 'host: h', 'content-length: 3', 'expect: 100-continue'],
      ['GET / HTTP/1.1', 'host: h', 'upgrade: websocket'],
      ['GET / HTTP/1.1', 'host: h', 'x-a: 1', ' folded'],
      ['GET / HTTP/1.1', 'host: h', 'bad name: 1'],
      ['GET / HTTP/1.1', 'host: h', 'no-colon'],
      ['GET / HTTP/1.1', 'host: h', 'x: a\x00b'],
      ['\r\nGET / HTTP/1.1', 'host: h'],
    ];
    for (const lines of no) assert.equal(parse(lines), undefined, JSON.stringify(lines));
  });
});
