// Encodes OIP inference responses, in an inference worker: plain JSON, or JSON followed by raw
// output bytes for the outputs the request asked to get as binary tensor data (see
// binary-data.ts). The replies of a group are packed into one buffer that the worker transfers to
// the main thread, which writes each reply's bytes as they are (oip-routes.ts).
import { bytesOf, toJsonValues } from '../core/tensors.js';
import type { OutputTensor } from './batch-runner.js';
import { NO_BINARY } from './worker-protocol.js';

/** The response fields other than `outputs`. */
export interface ResponseHead {
  model_name: string;
  model_version: string;
  id?: string;
}

/** A 200 response body before packing. */
export interface EncodedReply {
  json: string;
  jsonBytes: number;
  /** Raw output bytes that follow the JSON, in output order; empty for a plain JSON reply. */
  tensors: Uint8Array[];
  tensorBytes: number;
}

/**
 * Outputs named in `binary` carry `"parameters": {"binary_data_size": B}` instead of `data`, and
 * their bytes follow the JSON in output order. As Triton does, such a response is
 * `application/octet-stream` with `Inference-Header-Content-Length` giving the JSON's length, and
 * it stays plain `application/json` when no binary byte follows (no binary output, or only empty
 * ones).
 */
export function encodeInferResponse(head: ResponseHead, outputs: readonly OutputTensor[], binary: ReadonlySet<string> | undefined): EncodedReply {
  const tensors: Uint8Array[] = [];
  let tensorBytes = 0;
  const described = outputs.map((o) => {
    if (binary === undefined || !binary.has(o.name)) return { name: o.name, datatype: o.datatype, shape: o.shape, data: toJsonValues(o.datatype, o.data) };
    const bytes = bytesOf(o.data);
    if (bytes.byteLength > 0) tensors.push(bytes);
    tensorBytes += bytes.byteLength;
    return { name: o.name, datatype: o.datatype, shape: o.shape, parameters: { binary_data_size: bytes.byteLength } };
  });
  const json = JSON.stringify({ ...head, outputs: described });
  return { json, jsonBytes: Buffer.byteLength(json), tensors, tensorBytes };
}

/**
 * Packs replies into one fresh buffer (transferable): `parts` holds offset, length and — when
 * binary bytes follow the JSON — the JSON's length (else NO_BINARY) per reply; a missing reply
 * (a failed request) has length 0.
 */
export function packReplies(replies: readonly (EncodedReply | undefined)[]): { buffer: ArrayBuffer; parts: number[] } {
  let size = 0;
  for (const r of replies) if (r !== undefined) size += r.jsonBytes + r.tensorBytes;
  const target = Buffer.allocUnsafeSlow(size);
  const parts = new Array<number>(replies.length * 3);
  let at = 0;
  replies.forEach((r, k) => {
    parts[3 * k] = at;
    if (r === undefined) {
      parts[3 * k + 1] = 0;
      parts[3 * k + 2] = NO_BINARY;
      return;
    }
    const start = at;
    at += target.write(r.json, at, 'utf8');
    for (const t of r.tensors) {
      target.set(t, at);
      at += t.byteLength;
    }
    parts[3 * k + 1] = at - start;
    parts[3 * k + 2] = r.tensors.length > 0 ? r.jsonBytes : NO_BINARY;
  });
  return { buffer: target.buffer, parts };
}
