// Decoding binary tensor data must not copy element by element: an aligned tensor is a typed-array
// view over the received bytes, a misaligned one is copied once into an aligned buffer, and the body
// reader places the bytes so that the first tensor is always aligned.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { typedArrayFromBytes } from '../../src/core/tensors.js';
import { readAlignedBody } from '../../src/serving/binary-body.js';

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

  for (const contentLength of [true, false]) {
    for (const headerLength of [1, 8, 13, 150]) {
      it(`the body reader puts byte ${headerLength} on an 8-byte boundary of a private buffer (${contentLength ? 'Content-Length' : 'chunked'})`, async () => {
        const body = Buffer.from(Array.from({ length: headerLength + 40 }, (_, i) => i % 251));
        // Chunk edges inside and after the JSON header, as a socket may deliver them.
        const cuts = [0, ...new Set([5, headerLength + 3])].sort((x, y) => x - y);
        const chunks = cuts.map((at, k) => body.subarray(at, cuts[k + 1] ?? body.length));
        const got = await readAlignedBody(fakeRequest(chunks, contentLength), 1 << 20, headerLength);
        assert.deepEqual(got, body);
        assert.equal((got.byteOffset + headerLength) % 8, 0);
        assert.ok(got.buffer.byteLength < got.length + 8, 'a buffer of its own, not a slice of a shared pool');
      });
    }
  }

  it('the body reader refuses more than the limit', async () => {
    await assert.rejects(readAlignedBody(fakeRequest([Buffer.alloc(600), Buffer.alloc(600)], false), 1000, 10), /larger than the 1000-byte limit/);
    await assert.rejects(readAlignedBody(fakeRequest([Buffer.alloc(1200)], true), 1000, 10), /larger than the 1000-byte limit/);
  });
});
