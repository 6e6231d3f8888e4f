// The router's HTTP face: Open Inference Protocol for every model in the routing table. For each
// request: where is the client (headers, GeoIP) → which regions may serve this model (residency,
// never violated) → in what order (the model's policy, with health and RTT) → the forwarding
// engine (balancing, retries, hedging, failover). Errors the router produces itself are OIP JSON.
import { childSpan, formatTraceparent, parseTraceparent } from '../core/trace-context.js';
import type { Logger } from '../core/log.js';
import { MeridianError, httpStatusOf, messageOf } from '../core/errors.js';
import type { LatLon } from '../core/regions.js';
import type { RoutingModel, RoutingPolicySpec, RoutingTable } from '../core/routing-table.js';
import { CONTENT_TYPE, type Registry } from '../monitor/prometheus.js';
import { clientInfo } from './client-location.js';
import type { ClientSignal } from './engine/types.js';
import type { FrontHandler, FrontRequest, FrontResponse } from './front/exchange.js';
import type { FrontOptions } from './front/front-options.js';
import { FrontServer } from './front/front-server.js';
import { createPolicy, usesClientLocation } from './policies/index.js';
import type { RegionCandidate, RoutingPolicy } from './policies/policy.js';
import type { TrafficStats } from './traffic-stats.js';

/** What the server needs from the forwarding engine (src/router/engine). */
export interface RouterEngine {
  regionHealthy(model: string, region: string): boolean;
  rttMs(region: string): number | undefined;
  /** Sampled attempt outcomes per region × version (for release analysis), those newer than `since` (epoch ms) when given. */
  samples(model: string, since?: number): unknown[];
  forward(r: {
    model: string;
    version?: string;
    action: 'infer' | 'ready' | 'metadata';
    method: string;
    body?: Buffer;
    headers: Record<string, string>;
    regionOrder: string[];
    /** Aborted when the client goes away before its answer. */
    signal?: ClientSignal;
  }): Promise<{ status: number; headers: Record<string, string>; body: Buffer; region: string; version: string }>;
}

export interface RouterServerOptions {
  edge: LatLon;
  table: () => RoutingTable;
  engine: RouterEngine;
  registry: Registry;
  maxBodyBytes: number;
  /** Whether the table source is connected to the control plane (shown on /v2/health/ready's body). */
  connected: () => boolean;
  stats: TrafficStats;
  random?: () => number;
  /** Requests the router answers with a 5xx are logged with their trace id. */
  logger?: Logger;
  /** The front's timeouts (node:http's defaults when absent); its body limit is maxBodyBytes. */
  front?: Omit<FrontOptions, 'maxBodyBytes'>;
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
/**
 * Headers passed to model servers: W3C trace context, the content type and the OIP binary tensor
 * extension's header (without it a binary body reads as malformed JSON); nothing hop-by-hop.
 */
const PASS_HEADERS = ['traceparent', 'tracestate', 'content-type', 'inference-header-content-length'];
const EMPTY = Buffer.alloc(0);
/** Policies are pure and specs immutable once in a table: one policy object per spec, not per request. */
const policies = new WeakMap<RoutingPolicySpec, RoutingPolicy>();

/**
 * The router's server: a raw HTTP/1.1 front on the hot path, node:http for unusual requests
 * (src/router/front); both answer through {@link handle}. Listen on it like a net.Server.
 */
export function createRouterServer(o: RouterServerOptions): FrontServer {
  const handler: FrontHandler = {
    handle: (req, res) => {
      handle(o, req, res).catch((e: unknown) => fail(res, e));
    },
    fail: (res, e) => fail(res, e),
  };
  return new FrontServer(handler, { ...o.front, maxBodyBytes: o.maxBodyBytes });
}

/** Where the router's own errors become responses: OIP JSON `{"error": ...}`, `retry-after` on 503. */
function fail(res: FrontResponse, e: unknown, traceparent?: string): void {
  const err = e instanceof MeridianError ? e : new MeridianError('INTERNAL', messageOf(e));
  const status = httpStatusOf(err.code);
  if (res.sent) return res.destroy();
  const headers: Record<string, string> = status === 503 ? { 'retry-after': '1' } : {};
  if (traceparent !== undefined) headers.traceparent = traceparent;
  json(res, status, { error: err.message }, headers);
}

function json(res: FrontResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.send(status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

async function handle(o: RouterServerOptions, req: FrontRequest, res: FrontResponse): Promise<void> {
  const url = req.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path === '/v2/health/live') return json(res, 200, { live: true });
  if (path === '/v2/health/ready') {
    // Ready once it has a table to route by; a lost control plane does not make it unready.
    const ready = o.table().revision > 0;
    return json(res, ready ? 200 : 503, { live: true, ready, controlPlaneConnected: o.connected() });
  }
  if (path === '/v2') return json(res, 200, { name: 'meridian-router', version: '0.1.0', extensions: [] });
  if (path === '/metrics') return res.send(200, { 'content-type': CONTENT_TYPE }, o.registry.render());
  if (path === '/stats') return json(res, 200, { windowMs: o.stats.windowMs, requests: o.stats.counts() });
  if (path.startsWith('/samples/')) return sendSamples(o, req, res, path);
  const m = MODEL_PATH.exec(path);
  if (m === null) throw new MeridianError('NOT_FOUND', `no endpoint at ${path}; the router serves the Open Inference Protocol under /v2/models/{name}`);
  const name = decodeURIComponent(m[1]!);
  const version = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  const action = m[3] === '/infer' ? 'infer' : m[3] === '/ready' ? 'ready' : 'metadata';
  const wantMethod = action === 'infer' ? 'POST' : 'GET';
  if (req.method !== wantMethod && !(wantMethod === 'GET' && req.method === 'HEAD')) throw new MeridianError('METHOD_NOT_ALLOWED', `method ${req.method} is not allowed here; use ${wantMethod}`);
  const model = o.table().models[name];
  if (model === undefined) throw new MeridianError('MODEL_NOT_FOUND', `unknown model "${name}"; no region serves it (deploy it with \`meridian deploy ${name}:VERSION --regions ...\`)`);
  if (version !== undefined && !model.regions.some((r) => r.versions.some((v) => v.version === version))) {
    throw new MeridianError('MODEL_NOT_FOUND', `model "${name}" has no version "${version}" in any region`);
  }
  const client = clientInfo(req.headers, req.remoteAddress, usesClientLocation(model.policy));
  const order = regionOrder(o, name, model, version, client);
  // Both fronts read a POST's body whole, within maxBodyBytes, before handing it over.
  const body = action === 'infer' ? (req.body ?? EMPTY) : undefined;
  const headers: Record<string, string> = {};
  for (const h of PASS_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  // W3C trace context: continue the client's trace (or start one) with the router's span, which
  // is the parent the model server sees and what the client gets back, error or not.
  const trace = childSpan(parseTraceparent(req.headers.traceparent));
  const traceparent = formatTraceparent(trace);
  headers.traceparent = traceparent;
  for (const r of model.regions) {
    const sticky = r.stickyHeader?.toLowerCase();
    const v = sticky === undefined ? undefined : req.headers[sticky];
    if (sticky !== undefined && typeof v === 'string') headers[sticky] = v;
  }
  try {
    // A client that disconnects before its answer: the front aborts `gone`, and its attempts are abandoned, not finished for nobody.
    const gone = req.gone;
    // One literal, no conditional spreads (each costs a temporary object and a slow clone per request).
    const result = await o.engine.forward({ model: name, version, action, method: wantMethod, body, headers, regionOrder: order, signal: gone });
    if (gone.aborted) return;
    if (action === 'infer' && result.status < 500) o.stats.record(name, result.region);
    if (result.status >= 500) o.logger?.log('warn', 'request.failed', { model: name, action, status: result.status, region: result.region || null, traceId: trace.traceId, spanId: trace.spanId });
    // The engine's headers object is this response's own (built per answer): add to it rather than copy it.
    const out = result.headers;
    out['meridian-region'] = result.region;
    out['meridian-model-version'] = result.version;
    out.traceparent = traceparent;
    res.send(result.status, out, result.body);
  } catch (e) {
    fail(res, e, traceparent);
  }
}

/** `GET /samples/{model}[?since=EPOCH_MS]`: the engine's samples as a JSON array, oldest first. */
function sendSamples(o: RouterServerOptions, req: FrontRequest, res: FrontResponse, path: string): void {
  const name = /^\/samples\/([^/]+)$/.exec(path)?.[1];
  if (name === undefined) throw new MeridianError('NOT_FOUND', `no endpoint at ${path}; samples are at /samples/{model}`);
  const raw = new URL(req.url, 'http://router').searchParams.get('since');
  const since = raw === null || raw === '' ? undefined : Number(raw);
  if (since !== undefined && !Number.isFinite(since)) throw new MeridianError('BAD_REQUEST', `since: "${raw}" is not a number; give epoch milliseconds, e.g. ?since=${Date.now()} (the newest sample time you have seen)`);
  json(res, 200, o.engine.samples(decodeURIComponent(name), since));
}

/** Regions allowed by residency, ordered by the model's policy; a clear 503 when none can serve. */
function regionOrder(o: RouterServerOptions, name: string, model: RoutingModel, version: string | undefined, client: ReturnType<typeof clientInfo>): string[] {
  const residency = model.residency;
  const candidates: RegionCandidate[] = [];
  for (const r of model.regions) {
    if (residency !== null && !residency.includes(r.jurisdiction)) continue;
    if (version !== undefined && !r.versions.some((v) => v.version === version)) continue;
    candidates.push({ region: r.region, latitude: r.latitude, longitude: r.longitude, jurisdiction: r.jurisdiction, country: r.country, continent: r.continent, healthy: o.engine.regionHealthy(name, r.region), rttMs: o.engine.rttMs(r.region) });
  }
  let policy = policies.get(model.policy);
  if (policy === undefined) {
    policy = createPolicy(model.policy);
    policies.set(model.policy, policy);
  }
  const order = policy.order({ client, edge: o.edge, candidates, random: o.random ?? Math.random });
  if (order.length === 0) {
    const where = residency === null ? '' : ` (residency: ${residency.join(', ')} only)`;
    const who = client.country !== undefined ? ` for clients in ${client.country}` : '';
    throw new MeridianError('MODEL_NOT_READY', `no region may serve model "${name}"${who}${where}: the ${model.policy.type} policy allows none of ${model.regions.map((r) => r.region).join(', ') || 'its regions'}`);
  }
  return order;
}
