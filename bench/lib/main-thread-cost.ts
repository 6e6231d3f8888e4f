// Per request, the model server decodes the body into typed arrays (JSON.parse and validation, or
// for binary tensor data a small JSON header plus views over the received bytes) and encodes the
// reply. Until run D of 2026-11-23 its main thread did this; now the inference workers do (the main
// thread only frames HTTP). This times the decoding and encoding with the server's own functions,
// outside any server. The names (mainThreadCost…) are kept so results files stay comparable.
import { bytesOf, toJsonValues } from '../../src/core/tensors.js';
import { splitBody } from '../../src/serving/binary-data.js';
import { parseInferRequest, parseJsonBody } from '../../src/serving/infer-request.js';
import type { ModelSignature } from '../../src/serving/signature.js';
import type { RequestBody } from './load.js';

/** Decode and encode cost of one request of `rows` rows, JSON vs binary tensor data. */
export interface CodecCost {
  rows: number;
  /** JSON.parse + OIP validation + typed-array fill, µs per request. */
  jsonDecodeUs: number;
  /** Split at Inference-Header-Content-Length + JSON.parse of the header + validation + views, µs per request. */
  binaryDecodeUs: number;
  /** The reply's logits (rows × 10) as shortest decimals + JSON.stringify, µs. */
  jsonReplyUs: number;
  /** The reply's JSON header + the logits' bytes (no copy), µs. */
  binaryReplyUs: number;
  jsonRequestBytes: number;
  binaryRequestBytes: number;
}

export interface MainThreadCost {
  /** One-row JSON request: JSON.parse + OIP validation + Float32Array fill, µs. */
  parseRequestUs: number;
  /** One-row JSON reply: Float32 → shortest-decimal numbers + JSON.stringify (logits, 10 values), µs. */
  renderReplyUs: number;
  requestBytes: number;
  /** The same per rows-per-request size, JSON against binary tensor data. */
  codecs: CodecCost[];
}

function timePerCall(fn: (i: number) => void, budgetMs: number): number {
  for (let i = 0; i < 2000; i++) fn(i); // let V8 optimise first
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    for (let k = 0; k < 200; k++) fn(calls++);
    now = performance.now();
  }
  return ((now - start) * 1000) / calls;
}

/** A body laid out as the server hands it to a worker (raw-body.ts packBodies): binary part 8-byte aligned. */
function asReceived(b: RequestBody): { body: Buffer; headerLength: number } {
  const headerLength = Number(b.headers['inference-header-content-length']);
  const pad = (8 - (headerLength % 8)) % 8;
  const body = Buffer.from(new ArrayBuffer(pad + b.bytes.length), pad, b.bytes.length);
  b.bytes.copy(body);
  return { body, headerLength };
}

export function measureMainThreadCost(bodies: (rows: number, binary: boolean) => readonly RequestBody[], rowsList: readonly number[], sig: ModelSignature, budgetMs: number): MainThreadCost {
  let sink = 0;
  const codecs = rowsList.map((rows): CodecCost => {
    const json = bodies(rows, false);
    const binary = bodies(rows, true).map(asReceived);
    const jsonDecodeUs = timePerCall((i) => {
      sink += parseInferRequest(parseJsonBody(json[i % json.length]!.bytes), sig).inputs.length;
    }, budgetMs);
    const binaryDecodeUs = timePerCall((i) => {
      const { body, headerLength } = binary[i % binary.length]!;
      const parts = splitBody(body, headerLength);
      sink += parseInferRequest(parseJsonBody(parts.json), sig, parts.binary).inputs.length;
    }, budgetMs);
    const logits = Float32Array.from({ length: rows * 10 }, () => Math.random() * 10 - 5);
    const head = { model_name: 'mlp', model_version: '1' };
    const jsonReplyUs = timePerCall(() => {
      sink += JSON.stringify({ ...head, outputs: [{ name: 'logits', datatype: 'FP32', shape: [rows, 10], data: toJsonValues('FP32', logits) }] }).length;
    }, budgetMs);
    const binaryReplyUs = timePerCall(() => {
      const bytes = bytesOf(logits);
      const header = Buffer.from(JSON.stringify({ ...head, outputs: [{ name: 'logits', datatype: 'FP32', shape: [rows, 10], parameters: { binary_data_size: bytes.byteLength } }] }));
      sink += header.length + bytes.length;
    }, budgetMs);
    return { rows, jsonDecodeUs, binaryDecodeUs, jsonReplyUs, binaryReplyUs, jsonRequestBytes: json[0]?.bytes.length ?? 0, binaryRequestBytes: bodies(rows, true)[0]?.bytes.length ?? 0 };
  });
  if (sink < 0) console.log(sink);
  const one = codecs.find((c) => c.rows === 1);
  return { parseRequestUs: one?.jsonDecodeUs ?? NaN, renderReplyUs: one?.jsonReplyUs ?? NaN, requestBytes: one?.jsonRequestBytes ?? 0, codecs };
}
