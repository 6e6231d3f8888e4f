// Emulated network distance for local regions: all regions run on one machine, so without this a
// router in "sydney" would reach "us-east-1" as fast as "ap-southeast-2" and latency routing would
// have nothing to choose between. The delay is derived from geography alone, deterministically:
// tests and demos see the same numbers on every run.
import type { RegionCatalog } from '../../config/regions/catalog.js';
import { greatCircleKm } from '../../core/geo.js';
import type { LatLon } from '../../core/regions.js';

/** Light in optical fibre covers ~200 km per ms (c divided by the glass's refractive index, ~1.47). */
export const FIBRE_KM_PER_MS = 200;

/**
 * How much longer (in time) real paths are than a great circle of fibre: cables follow coasts,
 * railways and sea floors, and routers add queueing. Derived from round-trip times between AWS
 * regions, as commonly reported by public inter-region ping dashboards (approximate; they drift a
 * few ms with routing). Ideal RTT = 2 × great-circle km ÷ 200:
 *
 * | pair                           |      km | ideal RTT | real RTT | ratio |
 * | us-east-1 ↔ eu-west-1          |   5,460 |     55 ms |   ~68 ms | 1.25  |
 * | us-west-2 ↔ ap-northeast-1     |   7,970 |     80 ms |   ~97 ms | 1.22  |
 * | us-east-1 ↔ ap-southeast-1     |  15,520 |    155 ms |  ~215 ms | 1.39  |
 * | us-east-1 ↔ sa-east-1          |   7,660 |     77 ms |  ~115 ms | 1.50  |
 * | eu-west-1 ↔ ap-southeast-1     |  11,200 |    112 ms |  ~175 ms | 1.56  |
 *
 * One factor cannot fit every pair; 1.4 sits in the middle of these long-haul ratios (1.22–1.56),
 * so modelled RTTs are within ~15% of real ones there. Short overland hops are inflated more in
 * reality (us-east-1 ↔ us-west-2: 3,500 km, ~65 ms, ratio ~1.9), so the model is optimistic for
 * them; what latency routing needs, the order of regions by distance, is preserved either way.
 */
export const PATH_INFLATION = 1.4;

/**
 * One-way delay added even between an edge and a region in the same metro: a few router hops and
 * tens of km of metro fibre. Published best-of-many pings between AWS availability zones of one
 * region (buildings up to ~100 km apart) range from ~0.25 ms to ~3 ms RTT, mostly under 1 ms; a
 * same-metro RTT of 0.5 ms is typical, so 0.25 ms one way.
 * It also keeps a same-city hop from costing exactly 0, which would make ties arbitrary.
 */
export const SAME_METRO_FLOOR_MS = 0.25;

/** Emulated one-way network delay in ms between two points: floor + km ÷ 200 × {@link PATH_INFLATION}. */
export function oneWayDelayMs(from: LatLon, to: LatLon): number {
  return SAME_METRO_FLOOR_MS + (greatCircleKm(from, to) / FIBRE_KM_PER_MS) * PATH_INFLATION;
}

/** Adds geographic delay between edges and local regions; switched off for raw performance benchmarks. */
export interface NetworkEmulator {
  readonly enabled: boolean;
  /**
   * One-way delay in ms from a point (an edge) to a region: {@link oneWayDelayMs} when enabled, 0
   * when disabled.
   * @throws MeridianError `REGION_UNKNOWN` for an unknown code, whether enabled or not, so turning
   * emulation off never hides a typo.
   */
  oneWayDelayMs(from: LatLon, regionCode: string): number;
}

/** Options for {@link createNetworkEmulator}. */
export interface NetworkEmulatorOptions {
  /** False for benchmarks that measure the serving path alone. */
  readonly enabled: boolean;
  /** Where region coordinates come from. */
  readonly catalog: RegionCatalog;
}

/** A network emulator over a region catalog. */
export function createNetworkEmulator({ enabled, catalog }: NetworkEmulatorOptions): NetworkEmulator {
  return {
    enabled,
    oneWayDelayMs(from, regionCode) {
      const region = catalog.require(regionCode);
      return enabled ? oneWayDelayMs(from, region) : 0;
    },
  };
}
