// The model server's main thread does, per request, what its worker threads cannot: HTTP framing,
// JSON.parse of the body, validation into a Float32Array, and JSON.stringify of the reply. This
// times the JSON parts with the server's own functions, outside any server, to tell how much of
// a request's main-thread budget they take.
import { toJsonValues } from '../../src/serving/datatypes.js';
import { parseInferRequest, parseJsonBody } from '../../src/serving/infer-request.js';
import type { ModelSignature } from '../../src/serving/signature.js';

export interface MainThreadCost {
  /** JSON.parse + OIP validation + Float32Array fill of one request body, µs. */
  parseRequestUs: number;
  /** Float32 → shortest-decimal numbers + JSON.stringify of one reply (logits, 10 values), µs. */
  renderReplyUs: number;
  requestBytes: number;
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

export function measureMainThreadCost(bodies: readonly Buffer[], sig: ModelSignature, budgetMs: number): MainThreadCost {
  let sink = 0;
  const parseRequestUs = timePerCall((i) => {
    const req = parseInferRequest(parseJsonBody(bodies[i % bodies.length]!), sig);
    sink += req.inputs.length;
  }, budgetMs);
  const logits = Float32Array.from({ length: 10 }, () => Math.random() * 10 - 5);
  const renderReplyUs = timePerCall(() => {
    const text = JSON.stringify({ model_name: 'mlp', model_version: '1', outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, 10], data: toJsonValues('FP32', logits) }] });
    sink += text.length;
  }, budgetMs);
  if (sink < 0) console.log(sink);
  return { parseRequestUs, renderReplyUs, requestBytes: bodies[0]?.length ?? 0 };
}
