// Request bodies as the main thread handles them: bytes, never parsed. The main thread reads a
// body, guesses its row count for batching, and packs a group of bodies into one buffer that it
// transfers (not copies) to an inference worker, which decodes them (inference-worker.ts).
//
// Packing places every body so that the byte after its JSON part sits at a multiple of 8 in the
// buffer: a binary tensor data body (Triton's `binary_tensor_data`, see binary-data.ts) then has
// its first tensor 8-byte aligned, valid for every datatype, and the worker makes typed arrays
// over the received bytes without copying them (typedArrayFromBytes). Later tensors stay aligned
// unless an earlier one ends mid-element of theirs (then the worker copies that one).
import type { IncomingMessage } from 'node:http';
import { MeridianError } from '../core/errors.js';
import { NO_BINARY } from './worker-protocol.js';

/** A received body: the chunks as the socket delivered them (no concatenation). */
export interface RawBody {
  chunks: Buffer[];
  length: number;
  /** Inference-Header-Content-Length: the JSON part's length when binary tensor data follows it. */
  headerLength: number | undefined;
}

/** The largest element (INT64, UINT64, FP64) is 8 bytes. */
const ALIGN = 8;

/**
 * Reads the whole body, refusing more than `limit` bytes with PAYLOAD_TOO_LARGE as soon as the
 * declared Content-Length or the bytes received pass it, so a huge body is never buffered (as
 * core/http.ts readBody does).
 */
export function readRawBody(req: IncomingMessage, limit: number, headerLength: number | undefined): Promise<RawBody> {
  const tooLarge = (): MeridianError =>
    new MeridianError('PAYLOAD_TOO_LARGE', `request body is larger than the ${limit}-byte limit; send fewer rows per request or raise the server's --max-body-bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const body: RawBody = { chunks: [], length: 0, headerLength };
    const onData = (c: Buffer): void => {
      body.length += c.length;
      if (body.length > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      body.chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(body));
    req.once('error', reject);
  });
}

/** A body from bytes at hand (warm-up, tests). */
export function rawBodyOf(bytes: Buffer, headerLength?: number): RawBody {
  return { chunks: [bytes], length: bytes.length, headerLength };
}

const SHAPE = Buffer.from('"shape"');

/**
 * The batch dimension of the body's first `"shape"`, read without parsing the JSON, so that the
 * batcher can size groups by rows. Only a guess — the key may sit inside a string, or beyond the
 * first chunk — and 1 when there is none: the worker reads the real shapes and never runs more than
 * the max batch size in one session.run, so a wrong guess costs batching efficiency, not
 * correctness. Clients (ours, Triton's, KServe's) write "shape" before "data".
 */
export function rowsHint(body: RawBody): number {
  const first = body.chunks[0];
  if (first === undefined) return 1;
  const end = Math.min(first.length, body.headerLength ?? first.length);
  const at = first.indexOf(SHAPE);
  if (at < 0 || at >= end) return 1;
  let i = at + SHAPE.length;
  while (i < end && (first[i] === 0x20 || first[i] === 0x3a || first[i] === 0x5b || first[i] === 0x0a || first[i] === 0x0d || first[i] === 0x09)) i++; // spaces, ':', '['
  let rows = 0;
  for (let digits = 0; i < end && first[i]! >= 0x30 && first[i]! <= 0x39 && digits < 9; i++, digits++) rows = rows * 10 + first[i]! - 0x30;
  return rows > 0 ? rows : 1;
}

/**
 * Copies bodies into one fresh buffer (its own ArrayBuffer, so it can be transferred), each
 * placed so that its JSON part ends 8-byte aligned. `parts` holds offset, length and JSON length
 * (NO_BINARY for all-JSON bodies) per body.
 */
export function packBodies(bodies: readonly RawBody[]): { buffer: ArrayBuffer; parts: number[] } {
  const parts = new Array<number>(bodies.length * 3);
  let size = 0;
  bodies.forEach((b, k) => {
    const header = b.headerLength ?? 0;
    size += (ALIGN - ((size + header) % ALIGN)) % ALIGN;
    parts[3 * k] = size;
    parts[3 * k + 1] = b.length;
    parts[3 * k + 2] = b.headerLength ?? NO_BINARY;
    size += b.length;
  });
  // allocUnsafeSlow: never a slice of Node's shared pool (which could not be transferred), and no
  // zeroing of bytes about to be overwritten; padding bytes are never read.
  const target = Buffer.allocUnsafeSlow(size);
  bodies.forEach((b, k) => {
    let at = parts[3 * k]!;
    for (const c of b.chunks) at += c.copy(target, at);
  });
  return { buffer: target.buffer, parts };
}
