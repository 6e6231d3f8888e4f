// The innermost Dispatch: one HTTP request over keep-alive connections (a TCP + TLS handshake per
// request would add a round trip to every inference). Everything else wraps it.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

/** Creates the transport; bodies larger than `maxResponseBytes` fail with `too_large`. */
export function createTransport(maxResponseBytes: number): Transport {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  const dispatch: Dispatch = (req, signal) =>
    new Promise((resolve, reject) => {
      // Appended, not resolved: an endpoint behind a path prefix (an ingress) keeps its prefix.
      const url = new URL(req.target.endpoint.url.replace(/\/+$/, '') + req.path);
      const where = `${req.target.endpoint.id} (${url.host})`;
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(req.body.length);
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const r = send(url, { method: req.method, headers, agent: secure ? https : http, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxResponseBytes) r.destroy(new UpstreamError('too_large', `${where} sent more than ${maxResponseBytes} bytes`));
          else chunks.push(c);
        });
        res.once('end', () => resolve({ status: res.statusCode ?? 502, headers: flatten(res.headers), body: Buffer.concat(chunks) }));
        res.once('error', (e) => reject(toUpstreamError(e, where)));
      });
      r.once('error', (e) => reject(toUpstreamError(e, where)));
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

function flatten(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
