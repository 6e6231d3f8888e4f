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

/** The versions that share [0, 1) and their total weight: what {@link chooseVersion} draws from, fixed per routing table. */
export interface VersionSplit {
  weighted: readonly RoutingVersion[];
  total: number;
}

/** The split of `versions`: those with weight > 0 in table order (all of them when none has weight). */
export function versionSplit(versions: readonly RoutingVersion[]): VersionSplit {
  // Intervals in table order, not by weight: when a canary's weight grows past the stable
  // version's, sticky clients already on either side stay there.
  const positive = versions.filter((v) => v.weight > 0);
  const weighted = positive.length > 0 ? positive : [...versions];
  return { weighted, total: weighted.reduce((a, v) => a + v.weight, 0) };
}

/**
 * The version whose share of [0, 1) contains `point`. Weights are normalised, so a table whose
 * weights do not sum to exactly 1 still splits in proportion; versions at weight 0 are never
 * chosen (unless no version has weight). Undefined only for a region without versions.
 */
export function chooseVersion(versions: readonly RoutingVersion[], point: number): RoutingVersion | undefined {
  return chooseInSplit(versionSplit(versions), point);
}

/** {@link chooseVersion} over a split made once. */
export function chooseInSplit(split: VersionSplit, point: number): RoutingVersion | undefined {
  const { weighted, total } = split;
  if (total <= 0) return weighted[0];
  let acc = 0;
  for (const v of weighted) {
    acc += v.weight / total;
    if (point < acc) return v;
  }
  return weighted[weighted.length - 1];
}

/** Versions with weight > 0, heaviest first (all versions when none has weight): the fallback order. */
export function byWeight(versions: readonly RoutingVersion[]): RoutingVersion[] {
  const weighted = versions.filter((v) => v.weight > 0);
  return (weighted.length > 0 ? weighted : [...versions]).sort((a, b) => b.weight - a.weight);
}
