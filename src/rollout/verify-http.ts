// HTTP calls from verification to one replica. Every call has its own timeout, because the failure
// verification exists to catch includes a replica that accepts connections and never answers
// (SIGSTOP: the kernel still completes the TCP handshake for a stopped process).
import { isDatatype } from '../core/tensors.js';
import type { JsonTensor } from '../artifacts/golden.js';

/** What one call observed: a response (any status) or a sentence saying why there was none. */
export type CallResult = { kind: 'response'; status: number; body: unknown } | { kind: 'failed'; problem: string };

export interface CallOptions {
  method: 'GET' | 'POST';
  body?: unknown;
  timeoutMs: number;
  /** Cancels verification as a whole: rethrown, since cancelling is not a replica's failure. */
  signal?: AbortSignal;
}

/**
 * Calls `url` and reads the JSON body, within `timeoutMs`. Network errors and timeouts become a
 * `failed` result; only the caller's own `signal` makes it throw.
 */
export async function callReplica(url: string, o: CallOptions): Promise<CallResult> {
  // AbortSignal.timeout takes whole milliseconds; callers compute remainders of a deadline.
  const timeoutMs = Math.max(1, Math.ceil(o.timeoutMs));
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = o.signal === undefined ? timeout : AbortSignal.any([o.signal, timeout]);
  try {
    const init: RequestInit = { method: o.method, signal };
    if (o.body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(o.body);
    }
    const r = await fetch(url, init);
    // The body is read under the same signal: a replica may hang after sending its headers.
    const text = await r.text();
    return { kind: 'response', status: r.status, body: parseJson(text) };
  } catch (e) {
    if (o.signal?.aborted === true) throw o.signal.reason;
    if (timeout.aborted) return { kind: 'failed', problem: `no answer within ${timeoutMs} ms (hung or overloaded?)` };
    return { kind: 'failed', problem: describeNetworkError(e) };
  }
}

/** One line for a response that is not the expected 200: status and the server's error text. */
export function describeStatus(status: number, body: unknown): string {
  const error = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : undefined;
  return `answered HTTP ${status}${error !== undefined ? `: ${error}` : ''}`;
}

/**
 * The outputs of an OIP inference response (OIP REST "Inference Response JSON Object"), or a
 * sentence saying why the body is not one. Nested `data` is flattened, as OIP allows either form.
 */
export function parseInferOutputs(body: unknown): JsonTensor[] | string {
  if (typeof body !== 'object' || body === null || !('outputs' in body) || !Array.isArray(body.outputs)) {
    return 'the response has no "outputs" array; it is not an OIP inference response';
  }
  const out: JsonTensor[] = [];
  for (const [i, o] of (body.outputs as unknown[]).entries()) {
    if (typeof o !== 'object' || o === null) return `outputs[${i}] is not an object`;
    const t = o as Record<string, unknown>;
    const { name, datatype, shape, data } = t;
    if (typeof name !== 'string') return `outputs[${i}] has no name`;
    if (!isDatatype(datatype)) return `output "${name}" has datatype ${JSON.stringify(datatype)}, which is not an OIP datatype`;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d))) return `output "${name}" has no valid shape`;
    if (!Array.isArray(data)) return `output "${name}" has no data array`;
    out.push({ name, datatype, shape: shape as number[], data: data.flat(Infinity) as JsonTensor['data'] });
  }
  return out;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeNetworkError(e: unknown): string {
  // fetch (undici) throws TypeError('fetch failed') and puts the system error in `cause`.
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (process down or wrong port)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset before an answer';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}
