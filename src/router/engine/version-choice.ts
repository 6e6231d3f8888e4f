// Which version of a region answers: the region's weights, drawn at random per request, or — when
// the region names a sticky header and the request carries it — from a hash of its value, so one
// client keeps seeing one version while a canary runs (and the same share of clients as of requests).
import type { RoutingRegion, RoutingVersion } from '../../core/routing-table.js';

/** FNV-1a (32 bit) of a string, mapped to [0, 1): cheap, well spread, stable across processes. */
export function stickyPoint(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** The point in [0, 1) that picks a version: the sticky header's hash when present, else `random()`. */
export function versionPoint(region: RoutingRegion, headers: Record<string, string>, random: () => number): number {
  const name = region.stickyHeader?.toLowerCase();
  if (name !== undefined) {
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && v !== '') return stickyPoint(v);
  }
  return random();
}

/**
 * The region's versions in the order to try them: the one whose share of [0, 1) contains `point`,
 * then the other versions with weight > 0, heaviest first (a failed canary falls back to the
 * stable version in the same region before the request leaves the region). Weights are
 * normalised, so a table whose weights do not sum to exactly 1 still splits in proportion.
 */
export function versionOrder(versions: readonly RoutingVersion[], point: number): RoutingVersion[] {
  const weighted = versions.filter((v) => v.weight > 0);
  if (weighted.length === 0) return [...versions];
  const total = weighted.reduce((a, v) => a + v.weight, 0);
  let acc = 0;
  let chosen = weighted[weighted.length - 1]!;
  for (const v of weighted) {
    acc += v.weight / total;
    if (point < acc) {
      chosen = v;
      break;
    }
  }
  return [chosen, ...weighted.filter((v) => v !== chosen).sort((a, b) => b.weight - a.weight)];
}
