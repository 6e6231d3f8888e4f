// What the map shows, derived from the live state for the model filter: per deployed region, the
// worst health over the models shown, the versions (with routing weights during a split), the
// traffic share, and whether a rollout is working on it.
import { pct } from './format.js';

/** @typedef {import('./live.js').Live} Live */
/** @typedef {import('./map.js').MapRegion} MapRegion */
/** @typedef {import('./map.js').MapData} MapData */

/** @type {Record<MapRegion['health'], number>} */
const RANK = { healthy: 0, unknown: 1, degraded: 2, down: 3 };

/**
 * @param {Live} live
 * @param {string} model '' for every model
 * @param {string | null} edgeName
 * @returns {MapData}
 */
export function mapDataOf(live, model, edgeName) {
  /** @type {Map<string, MapRegion & { shares: number[] }>} */
  const byRegion = new Map();
  const shown = live.status.filter((m) => model === '' || m.model === model);
  for (const m of shown) {
    const routed = live.table?.models[m.model];
    for (const r of m.regions) {
      const info = live.regions.get(r.region);
      if (info === undefined) continue;
      let entry = byRegion.get(r.region);
      if (entry === undefined) {
        entry = { code: r.region, lon: info.longitude, lat: info.latitude, health: r.health, busy: false, lines: [], share: 0, shares: [], candidate: false };
        byRegion.set(r.region, entry);
      }
      if (RANK[r.health] > RANK[entry.health]) entry.health = r.health;
      const busy = r.phase !== 'serving';
      entry.busy ||= busy;
      const rr = routed?.regions.find((x) => x.region === r.region);
      entry.candidate ||= rr !== undefined;
      const versions = rr !== undefined && rr.versions.length > 1 ? rr.versions.map((v) => `${v.version} ${pct(v.weight)}`).join(' / ') : r.version;
      const prefix = model === '' ? `${m.model} ` : '';
      entry.lines.push(`${prefix}${busy ? r.phase : versions} · ${pct(r.trafficShare)}`);
      entry.shares.push(r.trafficShare);
    }
  }
  // With several models shown, a region's weight on the map is its mean share over the models
  // that had traffic (shares are per model; the API gives no request counts to weigh them by).
  const withTraffic = shown.filter((m) => m.regions.some((r) => r.trafficShare > 0)).length;
  const regions = [...byRegion.values()].map(({ shares, ...r }) => ({ ...r, share: withTraffic === 0 ? 0 : shares.reduce((a, b) => a + b, 0) / withTraffic }));
  return {
    regions,
    catalog: [...live.regions.values()],
    edge: live.edges.find((e) => e.name === edgeName) ?? null,
    anyTraffic: withTraffic > 0,
  };
}
