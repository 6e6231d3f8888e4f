// One load run end to end: fetch the model's metadata from the router, build the request body,
// then send it open-loop over keep-alive connections. Shared by `meridian load` and the drill.
import { buildInferenceRequest } from './inference-body.js';
import { createSender } from './http-sender.js';
import { formatLatLon, type LoadPlan } from './load-flags.js';
import type { RequestRecord } from './recorder.js';
import { fetchModelMetadata } from './router-target.js';
import { startOpenLoop, type OpenLoopRun } from './scheduler.js';

/** A plan with its router and a ready-made body: everything checked before the first request. */
export interface PreparedLoad {
  plan: LoadPlan;
  router: string;
  body: Buffer;
}

/**
 * Fetches the model's metadata from the router and builds the body.
 * @throws MeridianError from fetchModelMetadata (router unreachable, unknown model) or the builder.
 */
export async function prepareLoad(plan: LoadPlan, router: string): Promise<PreparedLoad> {
  const meta = await fetchModelMetadata(router, plan.model);
  return { plan, router, body: Buffer.from(JSON.stringify(buildInferenceRequest(meta))) };
}

/** The per-request headers: client locations in rotation, and the country if given. */
export function clientHeaders(plan: Pick<LoadPlan, 'from' | 'country'>): (seq: number) => Record<string, string> {
  const locations = plan.from.map(formatLatLon);
  return (seq) => {
    const h: Record<string, string> = {};
    const at = locations[seq % Math.max(1, locations.length)];
    if (at !== undefined) h['meridian-client-location'] = at;
    if (plan.country !== undefined) h['meridian-client-country'] = plan.country;
    return h;
  };
}

export interface LoadRun extends OpenLoopRun {
  /** Records in schedule order, once every request has finished; the connections are closed. */
  readonly done: Promise<RequestRecord[]>;
}

/** Starts sending now; `signal` stops the run early (requests in flight end as `aborted`). */
export function startLoad(p: PreparedLoad, signal?: AbortSignal): LoadRun {
  const sender = createSender({
    url: new URL(`${p.router}/v2/models/${encodeURIComponent(p.plan.model)}/infer`),
    body: p.body,
    headers: clientHeaders(p.plan),
    timeoutMs: p.plan.timeoutMs,
    rps: p.plan.rps,
  });
  const run = startOpenLoop({ rps: p.plan.rps, durationMs: p.plan.durationS * 1000, send: sender.send, ...(signal !== undefined ? { signal } : {}) });
  const done = run.done.finally(() => sender.close());
  return { elapsed: run.elapsed, scheduled: run.scheduled, done };
}
