// The dashboard's only way to the control plane: its JSON API with the bearer token, and the event
// stream read with fetch (EventSource can't send an Authorization header). Same origin, so no CORS.
import { readSse } from './sse.js';

/** @typedef {import('./types.js').EventRecord} EventRecord */
/** @typedef {import('./types.js').ApiErrorBody} ApiErrorBody */

/** A refused or failed request: the HTTP status and the API's stable code and message. */
export class ApiError extends Error {
  /**
   * @param {number} status 0 when the control plane could not be reached
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @param {Response} r */
async function failure(r) {
  /** @type {unknown} */
  let parsed = {};
  try {
    parsed = await r.json();
  } catch {
    // not JSON: a proxy's error page, say
  }
  const body = /** @type {Partial<ApiErrorBody>} */ (parsed);
  return new ApiError(r.status, body.code ?? `HTTP_${r.status}`, body.error ?? `${r.status} ${r.statusText}`);
}

export class Api {
  /**
   * @param {string} token
   * @param {() => void} onUnauthorized called once a request comes back 401 (token revoked)
   */
  constructor(token, onUnauthorized = () => {}) {
    this.token = token;
    this.onUnauthorized = onUnauthorized;
  }

  /**
   * @param {string} method
   * @param {string} path under /api/v1
   * @param {unknown} [body]
   * @param {AbortSignal} [signal]
   * @returns {Promise<unknown>}
   */
  async request(method, path, body, signal) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let r;
    try {
      r = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null, cache: 'no-store' });
    } catch (e) {
      if (signal?.aborted === true) throw e;
      throw new ApiError(0, 'UNREACHABLE', `the control plane did not answer (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!r.ok) {
      const err = await failure(r);
      if (r.status === 401) this.onUnauthorized();
      throw err;
    }
    /** @type {unknown} */
    const data = await r.json();
    return data;
  }

  /**
   * @param {string} path
   * @returns {Promise<unknown>} the parsed JSON; callers say what they expect
   */
  get(path) {
    return this.request('GET', path);
  }

  /**
   * @param {string} path
   * @param {unknown} body
   * @returns {Promise<unknown>}
   */
  post(path, body) {
    return this.request('POST', path, body);
  }

  /**
   * Follows the event log from `after` until `signal` aborts: replays, then live. Reconnects with
   * backoff, resuming after the last event it saw, so nothing is missed or repeated.
   * @param {number} after
   * @param {(e: EventRecord) => void} onEvent
   * @param {(state: 'live' | 'reconnecting') => void} onState
   * @param {AbortSignal} signal
   */
  async followEvents(after, onEvent, onState, signal) {
    let last = after;
    let delayMs = 500;
    while (!signal.aborted) {
      try {
        const r = await fetch(`/api/v1/events/stream?after=${last}`, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal, cache: 'no-store' });
        if (r.status === 401) {
          this.onUnauthorized();
          return;
        }
        if (!r.ok || r.body === null) throw await failure(r);
        onState('live');
        delayMs = 500;
        for await (const m of readSse(r.body)) {
          /** @type {unknown} */
          const parsed = JSON.parse(m.data);
          const e = /** @type {EventRecord} */ (parsed);
          last = Math.max(last, e.id);
          onEvent(e);
        }
      } catch {
        if (signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 10_000);
    }
  }
}
