// Shared inputs for the routing policy tests: candidates built from the real region catalog, so
// distances in the tests are the real ones.
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { mulberry32 } from '../../src/examples/prng.js';
import type { LatLon } from '../../src/core/regions.js';
import type { ClientInfo, PolicyContext, RegionCandidate } from '../../src/router/policies/policy.js';

const catalog = loadRegionCatalog();

/** A candidate for a catalog region; healthy and unmeasured unless said otherwise. */
export function candidate(code: string, extra: { healthy?: boolean; rttMs?: number } = {}): RegionCandidate {
  const r = catalog.require(code);
  return {
    region: r.code,
    latitude: r.latitude,
    longitude: r.longitude,
    jurisdiction: r.jurisdiction,
    country: r.country,
    continent: r.continent,
    healthy: extra.healthy ?? true,
    ...(extra.rttMs !== undefined ? { rttMs: extra.rttMs } : {}),
  };
}

/** A small deterministic PRNG (the examples' mulberry32) so random draws are repeatable. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

export const places = {
  frankfurt: { latitude: 50.11, longitude: 8.68 },
  amsterdam: { latitude: 52.37, longitude: 4.9 },
  newYork: { latitude: 40.71, longitude: -74.01 },
  london: { latitude: 51.51, longitude: -0.13 },
  tokyo: { latitude: 35.68, longitude: 139.69 },
} satisfies Record<string, LatLon>;

/** A policy context; the edge defaults to London and `random` to a fixed seed. */
export function context(candidates: RegionCandidate[], client: ClientInfo = {}, over: Partial<PolicyContext> = {}): PolicyContext {
  return { client, edge: places.london, candidates, random: seededRandom(1), ...over };
}
