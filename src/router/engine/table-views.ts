// Read-only views of the routing table that the engine needs: every endpoint to probe, and the
// endpoint keys of one region (its health and the outlier cap are judged over them).
import type { RoutingTable } from '../../core/routing-table.js';
import { targetKey, type Target } from './types.js';

/** Every endpoint in the table, served and mirror versions alike. */
export function allTargets(table: RoutingTable): Target[] {
  const out: Target[] = [];
  for (const [model, m] of Object.entries(table.models)) {
    for (const r of m.regions) {
      const versions = [...r.versions, ...(r.mirror !== undefined ? [{ version: r.mirror.version, endpoints: r.mirror.endpoints }] : [])];
      for (const v of versions) {
        for (const endpoint of v.endpoints) out.push({ model, region: r.region, version: v.version, endpoint, key: targetKey(model, v.version, endpoint) });
      }
    }
  }
  return out;
}

/** Keys of a region's served endpoints (`mirror`: of its mirror endpoints instead); [] when absent. */
export function regionKeys(table: RoutingTable, model: string, region: string, mirror: boolean): string[] {
  const r = table.models[model]?.regions.find((x) => x.region === region);
  if (r === undefined) return [];
  if (mirror) return (r.mirror?.endpoints ?? []).map((e) => targetKey(model, r.mirror?.version ?? '', e));
  return r.versions.flatMap((v) => v.endpoints.map((e) => targetKey(model, v.version, e)));
}

/** `: <error>` from an OIP error body (`{"error": "..."}`), '' when there is none; at most 200 characters. */
export function upstreamErrorText(body: Buffer): string {
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: unknown } | null)?.error;
    return typeof e === 'string' ? `: ${e.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
