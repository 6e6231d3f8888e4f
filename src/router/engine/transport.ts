// The innermost Dispatch: one HTTP request over keep-alive connections (a TCP + TLS handshake per
// request would add a round trip to every inference). Everything else wraps it.
// `http:` endpoints (the router's hot path) go through our own HTTP/1.1 client over node:net
// (http1-pool.ts): node:http's client machinery cost a large share of the router's CPU per
// request. `https:` ones keep node:https.
// Per request it does only what it must: the endpoint's URL is parsed once per routing-table
// endpoint (not per request), and an abandoned attempt is cut by destroying its socket rather
// than with an AbortSignal (whose listeners and AbortError cost every request, not only the
// abandoned ones).
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RoutingEndpoint } from '../../core/routing-table.js';
import type { Cancel } from './cancel.js';
import { Http1Client, type Http1Origin } from './http1-pool.js';
import { HOP_BY_HOP } from './http1-syntax.js';
import type { Dispatch, UpstreamRequest, UpstreamResponse } from './types.js';
import { UpstreamError, toUpstreamError } from './upstream-error.js';

/** A Dispatch over pooled HTTP/1.1 connections plus the means to close them. */
export interface Transport {
  dispatch: Dispatch;
  close(): void;
}

/** What a request needs of an endpoint URL, parsed once. */
interface Origin extends Http1Origin {
  secure: boolean;
}

/** Endpoint objects live as long as their routing table: the parse is cached with them. */
const origins = new WeakMap<RoutingEndpoint, Origin>();

function originOf(endpoint: RoutingEndpoint): Origin {
  let o = origins.get(endpoint);
  if (o === undefined) {
    const url = new URL(endpoint.url);
    // URL keeps IPv6 literals bracketed; net.connect and https.request want them bare (as urlToHttpOptions does).
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    o = { secure: url.protocol === 'https:', hostname, port: url.port === '' ? undefined : Number(url.port), prefix: url.pathname.replace(/\/+$/, ''), host: url.host };
    origins.set(endpoint, o);
  }
  return o;
}

/** Creates the transport; bodies larger than `maxResponseBytes` fail with `too_large`. */
export function createTransport(maxResponseBytes: number): Transport {
  const http = new Http1Client(maxResponseBytes);
  const https = new HttpsAgent({ keepAlive: true });
  const dispatch: Dispatch = (req, cancel) => {
    const o = originOf(req.target.endpoint);
    return o.secure ? httpsDispatch(https, o, req, cancel, maxResponseBytes) : http.request(o, req, cancel);
  };
  return {
    dispatch,
    close: () => {
      http.close();
      https.destroy();
    },
  };
}

/** One request over node:https. */
function httpsDispatch(agent: HttpsAgent, o: Origin, req: UpstreamRequest, cancel: Cancel, maxResponseBytes: number): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const already = cancel.reason;
    if (already !== undefined) return reject(already);
    const where = (): string => `${req.target.endpoint.id} (${o.host})`;
    const headers = req.body !== undefined ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
    const options = { hostname: o.hostname, port: o.port, path: o.prefix + req.path, method: req.method, headers, agent };
    const onAbort = (): void => {
      r.destroy(cancel.reason);
    };
    const fail = (e: unknown): void => {
      cancel.off(onAbort);
      reject(toUpstreamError(e, where(), cancel));
    };
    const r = httpsRequest(options, (res) => {
      let first: Buffer | undefined;
      let more: Buffer[] | undefined;
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxResponseBytes) r.destroy(new UpstreamError('too_large', `${where()} sent more than ${maxResponseBytes} bytes`));
        else if (first === undefined) first = c;
        else (more ??= [first]).push(c);
      });
      res.once('end', () => {
        cancel.off(onAbort);
        const body = more !== undefined ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0));
        resolve({ status: res.statusCode ?? 502, headers: forwardable(res), body });
      });
      res.once('error', fail);
    });
    r.once('error', fail);
    cancel.on(onAbort);
    r.end(req.body);
  });
}

/** The response's end-to-end headers, names in lower case, repeats joined (from rawHeaders: `res.headers` would build another object). */
function forwardable(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(k)) continue;
    const v = raw[i + 1]!;
    const had = out[k];
    out[k] = had === undefined ? v : `${had}, ${v}`;
  }
  return out;
}
