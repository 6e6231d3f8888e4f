// Sends one inference request over keep-alive connections and reports how it ended. node:http
// rather than fetch: fetch's pool (undici) hides how many sockets it opens, and a load generator
// must not add connection set-up to every request nor queue requests behind too few sockets.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Outcome } from './recorder.js';
import type { Send } from './scheduler.js';

export interface SenderOptions {
  /** The full URL requests go to, e.g. http://127.0.0.1:8080/v2/models/iris/infer. */
  url: URL;
  /** The request body, the same bytes for every request. */
  body: Buffer;
  /** Extra headers for request `seq` (client location rotation). */
  headers: (seq: number) => Record<string, string>;
  /** A request with no complete response after this long counts as a `timeout`. */
  timeoutMs: number;
  /** Requests per second: sizes the connection pool. */
  rps: number;
}

export interface Sender {
  send: Send;
  /** Closes the pooled connections; call when the run is over. */
  close(): void;
}

/**
 * Sockets in the pool: an open loop needs rps × latency connections at once, and during a stall
 * latency grows, so allow four seconds' worth of requests (at least 64). The cap keeps a long
 * stall at 5000 rps from exhausting file descriptors; past it requests wait in the agent's queue,
 * which still shows in latency because latency counts from the schedule.
 */
export function poolSize(rps: number): number {
  return Math.min(8192, Math.max(64, Math.ceil(rps * 4)));
}

/** The category of a socket-level error: its code (ECONNREFUSED, ECONNRESET, ...) or its name. */
export function errorCategory(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return e instanceof Error ? e.name : 'error';
}

export function createSender(o: SenderOptions): Sender {
  const https = o.url.protocol === 'https:';
  const size = poolSize(o.rps);
  // LIFO reuse keeps a few connections hot instead of spreading requests over idle ones that the
  // server may be closing (its keep-alive timeout), which would show up as ECONNRESET.
  const agentOptions = { keepAlive: true, maxSockets: size, maxFreeSockets: size, scheduling: 'lifo' as const };
  const agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const request = https ? httpsRequest : httpRequest;
  const length = String(o.body.length);

  const send: Send = (seq, signal) =>
    new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (out: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(out);
      };
      const req = request(o.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': length, ...o.headers(seq) } }, (res: IncomingMessage) => {
        const header = res.headers['meridian-region'];
        const region = typeof header === 'string' && header !== '' ? header : null;
        const status = res.statusCode ?? 0;
        // The body is not needed, but it must be read for the connection to be reused.
        res.resume();
        res.once('end', () => finish({ status, region }));
        res.once('error', (e) => finish({ status, region, error: errorCategory(e) }));
        // A connection that closes mid-body: the response never completed.
        res.once('close', () => {
          if (!res.complete) finish({ status, region, error: 'ECONNRESET' });
        });
      });
      const timer = setTimeout(() => {
        finish({ status: 0, region: null, error: 'timeout' });
        req.destroy();
      }, o.timeoutMs);
      const onAbort = (): void => {
        finish({ status: 0, region: null, error: 'aborted' });
        req.destroy();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      req.once('error', (e) => finish({ status: 0, region: null, error: errorCategory(e) }));
      req.end(o.body);
    });

  return { send, close: () => agent.destroy() };
}
