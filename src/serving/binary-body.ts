// Reads a binary tensor data request body (Triton's `binary_tensor_data` extension: JSON header,
// then raw tensor bytes) so that the tensors can be used where they landed, without copying.
//
// A typed array must start at a multiple of its element size, and the JSON header in front of the
// tensors can be any length. The header's length is known from the `Inference-Header-Content-Length`
// HTTP header before any body byte arrives, so the body is written into its own buffer behind just
// enough padding that the first tensor starts 8-byte aligned: valid for every datatype. Later tensors
// stay aligned unless an earlier one ends mid-element of theirs (then typedArrayFromBytes copies).
// The buffer belongs to this request alone, so the batcher may transfer it to an inference worker.
import type { IncomingMessage } from 'node:http';
import { MeridianError } from '../core/errors.js';

/** The largest element (INT64, UINT64, FP64) is 8 bytes. */
const ALIGN = 8;

/**
 * Reads the whole body (at most `limit` bytes) into a Buffer whose byte `headerLength` sits at an
 * 8-byte-aligned offset of an ArrayBuffer nobody else uses. One copy per received chunk, as
 * Buffer.concat would make. PAYLOAD_TOO_LARGE as soon as the declared or received size passes
 * `limit`, as core/http.ts readBody does.
 */
export function readAlignedBody(req: IncomingMessage, limit: number, headerLength: number): Promise<Buffer> {
  const tooLarge = (): MeridianError =>
    new MeridianError('PAYLOAD_TOO_LARGE', `request body is larger than the ${limit}-byte limit; send fewer rows per request or raise the server's --max-body-bytes`);
  const pad = (ALIGN - (headerLength % ALIGN)) % ALIGN;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  // With a Content-Length the final buffer exists up front; chunked bodies are gathered first.
  const target = Number.isSafeInteger(declared) && declared >= 0 ? padded(pad, declared) : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    /** Bytes written into `target`; the rest (if the body outgrew its Content-Length) are in chunks. */
    let inTarget = 0;
    const onData = (c: Buffer): void => {
      if (size + c.length > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      if (target !== undefined && chunks.length === 0 && size + c.length <= target.length) {
        c.copy(target, size);
        inTarget += c.length;
      } else chunks.push(c);
      size += c.length;
    };
    req.on('data', onData);
    req.once('end', () => {
      if (target !== undefined && chunks.length === 0) {
        resolve(inTarget === target.length ? target : target.subarray(0, inTarget));
        return;
      }
      // No Content-Length (or a body that disagreed with it): assemble what arrived.
      const out = padded(pad, size);
      let at = 0;
      if (target !== undefined) at += target.copy(out, 0, 0, inTarget);
      for (const c of chunks) at += c.copy(out, at);
      resolve(out);
    });
    req.once('error', reject);
  });
}

/**
 * A Buffer of `length` bytes at offset `pad` of a fresh ArrayBuffer. allocUnsafeSlow never hands
 * out a slice of Node's shared pool (which could not be transferred to a worker) and skips zeroing
 * bytes about to be overwritten; the padding is never read.
 */
function padded(pad: number, length: number): Buffer {
  return Buffer.allocUnsafeSlow(pad + length).subarray(pad);
}
