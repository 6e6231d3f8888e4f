// A stand-in for the global router (the router issue replaces it): forwards OIP requests to the
// nearest region that has replicas, as seen from this edge, with the emulated network delay both
// ways, and tries the next-nearest region if a region does not answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MeridianError, httpStatusOf, messageOf } from '../core/errors.js';
import { readBody, sendJson } from '../core/http.js';
import type { LatLon } from '../core/regions.js';
import type { RoutingTable } from '../core/routing-table.js';
import type { NetworkEmulator } from '../providers/local/network-emulation.js';
import type { TrafficStats } from './traffic-stats.js';

export interface PlaceholderRouterOptions {
  edge: LatLon;
  /** The latest routing table: only verified regions are in it. */
  table: () => RoutingTable;
  emulator: NetworkEmulator;
  maxBodyBytes: number;
  stats: TrafficStats;
}

interface RouteEndpoint {
  region: string;
  version: string;
  url: string;
}

const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export function createPlaceholderRouter(o: PlaceholderRouterOptions) {
  let turn = 0;
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const m = /^\/v2\/models\/([^/]+)/.exec(path);
      if (m === null) throw new MeridianError('NOT_FOUND', `the router serves /v2/models/{name}/…; no route for ${path}`);
      const model = decodeURIComponent(m[1]!);
      const candidates: RouteEndpoint[] = (o.table().models[model]?.regions ?? []).flatMap((r) => r.versions.flatMap((v) => v.endpoints.map((e) => ({ region: r.region, version: v.version, url: e.url }))));
      if (candidates.length === 0) throw new MeridianError('MODEL_NOT_FOUND', `no region serves model "${model}"`);
      const regions = [...new Set(candidates.map((e) => e.region))].sort((a, b) => o.emulator.oneWayDelayMs(o.edge, a) - o.emulator.oneWayDelayMs(o.edge, b));
      const body = req.method === 'POST' ? await readBody(req, o.maxBodyBytes) : undefined;
      const tried: string[] = [];
      for (const region of regions) {
        const replicas = candidates.filter((e) => e.region === region);
        const target = replicas[turn++ % replicas.length]!;
        const delay = o.emulator.oneWayDelayMs(o.edge, region);
        await sleep(delay);
        try {
          const upstream = await fetch(target.url + (req.url ?? '/'), {
            method: req.method ?? 'GET',
            headers: { 'content-type': 'application/json' },
            ...(body !== undefined ? { body } : {}),
            signal: AbortSignal.timeout(5000),
          });
          const text = await upstream.text();
          if (upstream.status >= 500) throw new Error(`HTTP ${upstream.status}`);
          await sleep(delay);
          o.stats.record(model, region);
          res.writeHead(upstream.status, {
            'content-type': upstream.headers.get('content-type') ?? 'application/json',
            'meridian-region': region,
            'meridian-model-version': target.version,
          });
          res.end(text);
          return;
        } catch (e) {
          tried.push(`${region} (${messageOf(e)})`);
        }
      }
      throw new MeridianError('MODEL_NOT_READY', `no region answered for model "${model}": tried ${tried.join(', ')}`);
    } catch (e) {
      const err = e instanceof MeridianError ? e : new MeridianError('INTERNAL', messageOf(e));
      if (!res.headersSent) sendJson(res, httpStatusOf(err.code), { error: err.message });
    }
  };
}
