// The control-plane HTTP API: an HTTP skin over ControlPlaneService. One request path —
// route, authenticate, authorize, handle — and one place where errors become responses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MeridianError, httpStatusOf, messageOf } from '../core/errors.js';
import { sendJson } from '../core/http.js';
import type { ControlPlaneService, Principal } from '../rollout/service.js';
import type { ApiError } from './contract.js';
import { authenticate, requireRole } from './auth.js';
import { resolveApiOptions, type ApiServerOptions, type ResolvedApiOptions } from './options.js';
import { ROUTES } from './routes.js';
import { Router } from './router.js';
import { apiMetrics, type ApiMetrics } from './api-metrics.js';

export type { ApiServerOptions } from './options.js';

/** Stands in for the caller on routes that need no token; no handler of such a route reads it. */
const ANONYMOUS: Principal = { name: 'anonymous', role: 'viewer' };

/**
 * Creates (does not start) the API server. Call `listen` on it; to stop, `close()` and
 * `closeAllConnections()`, which also ends open event streams.
 */
export function createApiServer(service: ControlPlaneService, opts: ApiServerOptions = {}): Server {
  const options = resolveApiOptions(opts);
  const router = new Router(ROUTES);
  const metrics = apiMetrics();
  const server = createServer((req, res) => {
    const started = performance.now();
    const seen: { route: string } = { route: 'unmatched' };
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      options.logger.log('debug', 'api.request', { method: req.method, path: req.url, route: seen.route, status: res.statusCode, ms: Math.round(seconds * 1000) });
      metrics.record(req.method ?? 'GET', seen.route, res.statusCode, seconds);
    });
    handle(service, router, options, req, res, seen, metrics).catch((e: unknown) => sendError(options, req, res, e));
  });
  return server;
}

async function handle(service: ControlPlaneService, router: Router, options: ResolvedApiOptions, req: IncomingMessage, res: ServerResponse, seen: { route: string }, metrics: ApiMetrics): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (options.dashboard?.serve(req, res, url) === true) return;
  const isApi = url.pathname === '/api/v1' || url.pathname.startsWith('/api/v1/');
  // Authenticate before routing inside /api/v1, so an anonymous caller learns nothing about it.
  const principal = isApi ? await authenticate(service, req.headers) : ANONYMOUS;
  const { route, params } = router.match(req.method ?? 'GET', url.pathname);
  seen.route = route.path;
  if (route.role !== null) requireRole(principal, route.role);
  await route.handle({ req, res, params, query: url.searchParams, principal, service, options, apiMetrics: () => metrics.render() });
}

/** The one place errors become HTTP responses (STYLE.md #6). */
function sendError(options: ResolvedApiOptions, req: IncomingMessage, res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    // Mid-stream (an event stream): nothing can be said any more; the client will reconnect.
    options.logger.log('warn', 'api.stream_failed', { path: req.url, error: messageOf(e) });
    res.destroy();
    return;
  }
  let err: MeridianError;
  if (e instanceof MeridianError) {
    err = e;
  } else {
    // Unexpected: log the details, tell the client only that it happened.
    options.logger.log('error', 'api.internal_error', { method: req.method, path: req.url, error: messageOf(e), stack: e instanceof Error ? e.stack : undefined });
    err = new MeridianError('INTERNAL', 'internal error in the control plane; its log has the details');
  }
  const headers: Record<string, string> = {};
  if (err.code === 'UNAUTHENTICATED') {
    // RFC 6750 §3: a challenge on every 401; `invalid_token` when a token was sent but is wrong.
    headers['www-authenticate'] = err.details?.tokenGiven === true ? 'Bearer realm="meridian", error="invalid_token"' : 'Bearer realm="meridian"';
  }
  if (err.code === 'METHOD_NOT_ALLOWED' && typeof err.details?.allow === 'string') headers.allow = err.details.allow;
  // The rest of an oversized body is not read; closing is the only way to stop the upload.
  if (err.code === 'PAYLOAD_TOO_LARGE') headers.connection = 'close';
  const body: ApiError = { error: err.message, code: err.code };
  sendJson(res, httpStatusOf(err.code), body, headers);
}
