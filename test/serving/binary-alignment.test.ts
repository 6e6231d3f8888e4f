// Decoding binary tensor data must not copy element by element: an aligned tensor is a typed-array
// view over the received bytes, a misaligned one is copied once into an aligned buffer, and the
// buffer that carries a group of bodies to an inference worker places every body so that its first
// tensor is aligned.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { typedArrayFromBytes } from '../../src/core/tensors.js';
import { packBodies, rawBodyOf, readRawBody, rowsHint, type RawBody } from '../../src/serving/raw-body.js';
import { NO_BINARY } from '../../src/serving/worker-protocol.js';

/** A request stream delivering `chunks`, with or without a Content-Length header. */
function fakeRequest(chunks: Buffer[], contentLength: boolean): IncomingMessage {
  const stream = Readable.from(chunks, { objectMode: false }) as unknown as IncomingMessage;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  stream.headers = contentLength ? { 'content-length': String(total) } : {};
  return stream;
}

describe('binary tensor bytes without per-element copies', () => {
  it('an aligned tensor is a view over the received buffer', () => {
    const body = new Uint8Array(64);
    new Float64Array(body.buffer, 8, 2).set([1.5, -2]);
    const t = typedArrayFromBytes('FP64', body.subarray(8, 24));
    assert.equal(t.buffer, body.buffer, 'same memory, no copy');
    assert.deepEqual([...t], [1.5, -2]);
  });

  it('a misaligned tensor is copied once into an aligned buffer with the same values', () => {
    const src = Buffer.alloc(3 + 16);
    src.writeBigInt64LE(-(2n ** 62n), 3);
    src.writeBigInt64LE(5n, 11);
    const t = typedArrayFromBytes('INT64', src.subarray(3));
    assert.notEqual(t.buffer, src.buffer);
    assert.equal(t.byteOffset % 8, 0);
    assert.deepEqual([...t], [-(2n ** 62n), 5n]);
  });

  it('BOOL and 1-byte types never need a copy', () => {
    const src = new Uint8Array([9, 1, 0, 1]);
    const t = typedArrayFromBytes('BOOL', src.subarray(1));
    assert.equal(t.buffer, src.buffer);
  });

  it('packs a group of bodies, each with the byte after its JSON part on an 8-byte boundary of one buffer of its own', async () => {
    const bodies: RawBody[] = [];
    for (const headerLength of [1, 8, 13, 150]) {
      const bytes = Buffer.from(Array.from({ length: headerLength + 40 }, (_, i) => (i * 7 + headerLength) % 251));
      // Chunk edges inside and after the JSON header, as a socket may deliver them.
      const cuts = [0, ...new Set([5, headerLength + 3])].sort((x, y) => x - y);
      const chunks = cuts.map((at, k) => bytes.subarray(at, cuts[k + 1] ?? bytes.length));
      bodies.push(await readRawBody(fakeRequest(chunks, headerLength % 2 === 0), 1 << 20, headerLength));
      bodies.push(rawBodyOf(Buffer.from(`{"json":${headerLength}}`))); // all JSON: no alignment needed
    }
    const { buffer, parts } = packBodies(bodies);
    assert.equal(parts.length, bodies.length * 3);
    bodies.forEach((b, k) => {
      const [offset, length, headerLength] = [parts[3 * k]!, parts[3 * k + 1]!, parts[3 * k + 2]!];
      assert.deepEqual(Buffer.from(buffer, offset, length), Buffer.concat(b.chunks), `body ${k}`);
      assert.equal(headerLength, b.headerLength ?? NO_BINARY);
      if (b.headerLength !== undefined) assert.equal((offset + b.headerLength) % 8, 0, `body ${k}: tensors start aligned`);
    });
    assert.ok(buffer.byteLength < bodies.reduce((n, b) => n + b.length + 8, 0), 'a buffer of its own, not a slice of a shared pool');
  });

  it('reads the batch dimension of the first "shape" as a hint, 1 when there is none', () => {
    const hint = (text: string, headerLength?: number) => rowsHint(rawBodyOf(Buffer.from(text), headerLength));
    assert.equal(hint('{"inputs":[{"name":"input","shape":[12,256],"datatype":"FP32","data":[]}]}'), 12);
    assert.equal(hint('{"inputs": [{"shape" : [ 3, 4 ], "name": "x"}]}'), 3);
    assert.equal(hint('{"inputs":[{"name":"x","data":[1,2]}]}'), 1);
    assert.equal(hint('{"inputs":[{"shape":[0,4]}]}'), 1);
    assert.equal(hint('{"inputs":[]}.."shape":[9]', 13), 1, 'only the JSON part is searched');
  });

  it('the body reader refuses more than the limit', async () => {
    await assert.rejects(readRawBody(fakeRequest([Buffer.alloc(600), Buffer.alloc(600)], false), 1000, 10), /larger than the 1000-byte limit/);
    await assert.rejects(readRawBody(fakeRequest([Buffer.alloc(1200)], true), 1000, 10), /larger than the 1000-byte limit/);
  });
});
