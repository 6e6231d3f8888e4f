// The API server's options, parsed once at the boundary: callers may leave any of them out, and
// inside the server every value is present and named by its unit.
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import { dashboardRoutes, type DashboardRoutes, type StaticFiles } from './dashboard-routes.js';

/** Named defaults, each with its reason. */
export const API_DEFAULTS = {
  /** Pushed ONNX files: 512 MiB holds every model the local regions can serve in memory; larger
   *  artifacts want a streaming upload, which the registry does not take yet. */
  maxPushBytes: 512 * 1024 * 1024,
  /** JSON request bodies (deploy, rollback, tokens) are a few hundred bytes; 1 MiB is generous. */
  maxJsonBytes: 1024 * 1024,
  /** Proxies commonly drop connections idle for 30–60 s (nginx proxy_read_timeout is 60 s);
   *  a comment every 15 s keeps an event stream open through them. */
  keepaliveMs: 15_000,
  /** Events per page when an event stream replays the log, so a long log never sits in memory whole. */
  replayPageSize: 500,
  /** A stream client that falls this far behind is disconnected; it resumes with Last-Event-ID. */
  maxStreamBufferBytes: 8 * 1024 * 1024,
  /** Most events one `GET /api/v1/events` returns. */
  maxEventsLimit: 1000,
} as const;

export interface ApiServerOptions {
  /** Largest pushed model, in bytes (413 above it). */
  maxBodyBytes?: number;
  maxJsonBytes?: number;
  keepaliveMs?: number;
  logger?: Logger;
  /** The web dashboard's files, served under /dashboard/; src/bin passes them (the api layer does not import the dashboard). */
  dashboard?: StaticFiles;
}

/** Options with every default applied. */
export interface ResolvedApiOptions {
  maxPushBytes: number;
  maxJsonBytes: number;
  keepaliveMs: number;
  replayPageSize: number;
  maxStreamBufferBytes: number;
  maxEventsLimit: number;
  logger: Logger;
  dashboard: DashboardRoutes | null;
}

export function resolveApiOptions(o: ApiServerOptions = {}): ResolvedApiOptions {
  return {
    maxPushBytes: o.maxBodyBytes ?? API_DEFAULTS.maxPushBytes,
    maxJsonBytes: o.maxJsonBytes ?? API_DEFAULTS.maxJsonBytes,
    keepaliveMs: o.keepaliveMs ?? API_DEFAULTS.keepaliveMs,
    replayPageSize: API_DEFAULTS.replayPageSize,
    maxStreamBufferBytes: API_DEFAULTS.maxStreamBufferBytes,
    maxEventsLimit: API_DEFAULTS.maxEventsLimit,
    logger: o.logger ?? silentLogger,
    dashboard: o.dashboard === undefined ? null : dashboardRoutes(o.dashboard),
  };
}
