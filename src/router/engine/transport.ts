// The innermost Dispatch: one HTTP request over keep-alive connections (a TCP + TLS handshake per
// request would add a round trip to every inference). Everything else wraps it.
// Per request it does only what it must: the endpoint's URL is parsed once per routing-table
// endpoint (not per request), and an abandoned attempt is cut with `req.destroy(reason)` rather
// than an AbortSignal handed to node:http (whose listeners and AbortError cost every request, not
// only the abandoned ones).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RoutingEndpoint } from '../../core/routing-table.js';
import type { Dispatch } from './types.js';
import { UpstreamError, toUpstreamError } from './upstream-error.js';

// Hop-by-hop headers describe one connection, not the message (RFC 9110 §7.6.1), and must not be
// forwarded; content-length is the router's to set for the body it writes.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);

/** A Dispatch over node:http/https plus the means to close its pooled connections. */
export interface Transport {
  dispatch: Dispatch;
  close(): void;
}

/** What http.request needs of an endpoint URL, parsed once. */
interface Origin {
  secure: boolean;
  hostname: string;
  port: number | undefined;
  /** The URL's path without trailing slashes: an endpoint behind a path prefix (an ingress) keeps it. */
  prefix: string;
  host: string;
}

/** Endpoint objects live as long as their routing table: the parse is cached with them. */
const origins = new WeakMap<RoutingEndpoint, Origin>();

function originOf(endpoint: RoutingEndpoint): Origin {
  let o = origins.get(endpoint);
  if (o === undefined) {
    const url = new URL(endpoint.url);
    // URL keeps IPv6 literals bracketed; http.request wants them bare (as urlToHttpOptions does).
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    o = { secure: url.protocol === 'https:', hostname, port: url.port === '' ? undefined : Number(url.port), prefix: url.pathname.replace(/\/+$/, ''), host: url.host };
    origins.set(endpoint, o);
  }
  return o;
}

/** Creates the transport; bodies larger than `maxResponseBytes` fail with `too_large`. */
export function createTransport(maxResponseBytes: number): Transport {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  const dispatch: Dispatch = (req, cancel) =>
    new Promise((resolve, reject) => {
      const already = cancel.reason;
      if (already !== undefined) return reject(already);
      const o = originOf(req.target.endpoint);
      const where = (): string => `${req.target.endpoint.id} (${o.host})`;
      const headers = req.body !== undefined ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
      const send = o.secure ? httpsRequest : httpRequest;
      const options = { hostname: o.hostname, port: o.port, path: o.prefix + req.path, method: req.method, headers, agent: o.secure ? https : http };
      const onAbort = (): void => {
        r.destroy(cancel.reason);
      };
      const fail = (e: unknown): void => {
        cancel.off(onAbort);
        reject(toUpstreamError(e, where(), cancel));
      };
      const r = send(options, (res) => {
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
  return {
    dispatch,
    close: () => {
      http.destroy();
      https.destroy();
    },
  };
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
