// What the client gets back from the engine, counted in the request metrics as it is built: a
// race's result (the upstream's answer, or a 503/504 with an OIP error body naming what failed)
// and a request shed because the router is overloaded (503 with Retry-After).
import { httpStatusOf } from '../../core/errors.js';
import type { EngineMetrics } from './engine-metrics.js';
import type { LabelSets } from './metric-labels.js';
import type { RaceResult } from './race-hooks.js';
import type { ForwardRequest, ForwardResult } from './types.js';

/** The response for `r` once its race ended with `res`, `ms` after it started. */
export function raceResponse(metrics: EngineMetrics, labels: LabelSets, r: ForwardRequest, res: RaceResult, ms: number): ForwardResult {
  const at = res.ok ? res.target : res.last;
  const status = res.ok ? res.response.status : httpStatusOf(res.code);
  const region = at?.region ?? '';
  const version = at?.version ?? '';
  metrics.requests.inc(at !== undefined ? labels.requestAt(at, r.action, status) : labels.request(r.model, region, version, r.action, status));
  if (r.action === 'infer') metrics.requestDuration.observe(at !== undefined ? labels.target(at) : labels.of({ model: r.model, region, version }), ms / 1000);
  const endpointId = at?.endpoint.id ?? '';
  if (res.ok) return { status, headers: res.response.headers, body: res.response.body, region, version, endpointId, attempts: res.attempts, hedged: res.hedged };
  const body = Buffer.from(JSON.stringify({ error: `model "${r.model}": ${res.message}` }));
  return { status, headers: { 'content-type': 'application/json' }, body, errorCode: res.code, region, version, endpointId, attempts: res.attempts, hedged: res.hedged };
}

/** Refused at once: the router is too far behind to serve it in reasonable time. */
export function shedResponse(metrics: EngineMetrics, labels: LabelSets, r: ForwardRequest, behindMs: number): ForwardResult {
  metrics.requests.inc(labels.request(r.model, '', '', r.action, 503));
  metrics.shed.inc(labels.of({ model: r.model }));
  const body = Buffer.from(JSON.stringify({ error: `model "${r.model}": the router is overloaded (its event loop is ${Math.round(behindMs)} ms behind); retry in a moment or through another router` }));
  return { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body, errorCode: 'OVERLOADED', region: '', version: '', endpointId: '', attempts: 0, hedged: false };
}
