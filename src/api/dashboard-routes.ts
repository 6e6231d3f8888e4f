// The web dashboard's files over HTTP, beside the API: `/` redirects to `/dashboard/`, which serves
// the files the composition root handed over (src/bin wires src/dashboard in; the api layer never
// imports the dashboard — ARCHITECTURE.md's layers). The files are public: they hold no data; every
// byte of data comes from /api/v1 with the user's bearer token.
//
// Each file is prepared once: gzip (RFC 9110 §8.4.1.3) when it is smaller, a strong ETag (§8.8.3) so a
// reload costs a 304 per file (§13.1.2), and `no-cache` so a new dashboard is picked up
// at once rather than after a max-age.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { MeridianError } from '../core/errors.js';

/** One file: its bytes and media type. */
export interface StaticFile {
  body: Uint8Array;
  contentType: string;
}

/** Files by path below the mount point, e.g. `index.html`, `map.js`. */
export type StaticFiles = ReadonlyMap<string, StaticFile>;

/** Where the dashboard is mounted. */
export const DASHBOARD_PREFIX = '/dashboard/';

/**
 * The strictest policy the dashboard works under: its own scripts, styles and API only, no inline
 * code, no framing (clickjacking), no plugins. Data rendered from the API is text, never HTML.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Prepared {
  body: Buffer;
  gzip: Buffer | null;
  contentType: string;
  etag: string;
}

export interface DashboardRoutes {
  /** Answers the request when it is the dashboard's (true); false leaves it to the API. @throws MeridianError for a missing file or a method other than GET/HEAD */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

function prepare(f: StaticFile): Prepared {
  const body = Buffer.from(f.body);
  const packed = /^(text\/|application\/(javascript|json)|image\/svg)/.test(f.contentType) ? gzipSync(body, { level: 9 }) : null;
  return {
    body,
    gzip: packed !== null && packed.length < body.length ? packed : null,
    contentType: f.contentType,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

export function dashboardRoutes(files: StaticFiles): DashboardRoutes {
  const prepared = new Map([...files].map(([path, f]) => [path, prepare(f)]));
  return {
    serve(req, res, url) {
      const path = url.pathname;
      if (path !== '/' && path !== '/dashboard' && !path.startsWith(DASHBOARD_PREFIX)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new MeridianError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; the dashboard's files take GET or HEAD`, { allow: 'GET, HEAD' });
      }
      if (path === '/' || path === '/dashboard') {
        // 302, not 301: the root may serve something else one day, and browsers cache 301s forever.
        res.writeHead(302, { location: `${DASHBOARD_PREFIX}${url.search}`, 'content-length': '0' }).end();
        return true;
      }
      const name = path === DASHBOARD_PREFIX ? 'index.html' : path.slice(DASHBOARD_PREFIX.length);
      // Lookup in a fixed map: `..`, encoded slashes and the like simply name no file.
      const file = prepared.get(name);
      if (file === undefined) throw new MeridianError('NOT_FOUND', `the dashboard has no file ${path}; open ${DASHBOARD_PREFIX}`);
      const headers: Record<string, string> = {
        'content-type': file.contentType,
        etag: file.etag,
        'cache-control': 'no-cache',
        vary: 'accept-encoding',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'content-security-policy': CSP,
      };
      if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(file.etag) === true) {
        res.writeHead(304, headers).end();
        return true;
      }
      const gzip = file.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? file.gzip : null;
      const body = gzip ?? file.body;
      if (gzip !== null) headers['content-encoding'] = 'gzip';
      headers['content-length'] = String(body.length);
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
