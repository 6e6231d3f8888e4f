// What the engine derives from a routing table, computed once per table instead of per request:
// the Target of every endpoint (with its state key), each region's endpoint keys (its health and
// the outlier cap are judged over them), its versions by name and in fallback order, its mirror,
// and the model's sample rate. A table is immutable once published (table-source.ts replaces it
// whole), so the view is cached against the table object and dropped with it.
import type { RoutingModel, RoutingRegion, RoutingTable, RoutingVersion } from '../../core/routing-table.js';
import { targetKey, type Target } from './types.js';
import { byWeight, versionSplit, type VersionSplit } from './version-choice.js';

/** A version of one region with its endpoints as Targets. */
export interface VersionView {
  version: RoutingVersion;
  targets: Target[];
}

/** One region of one model. */
export interface RegionView {
  region: RoutingRegion;
  /** Served versions in table order (the split's intervals follow it). */
  versions: VersionView[];
  /** How the region's weights split [0, 1) (version-choice.ts). */
  split: VersionSplit;
  byVersion: Map<string, VersionView>;
  /** Versions with weight > 0, heaviest first (all when none has weight): the fallback order. */
  fallback: VersionView[];
  /** Keys of the served endpoints. */
  keys: string[];
  mirror: { version: string; percent: number; targets: Target[]; keys: string[] } | undefined;
}

/** One model of the table. */
export interface ModelView {
  entry: RoutingModel;
  regions: Map<string, RegionView>;
  /** The table's sample rate for the model, clamped to 0..1; undefined when the table sets none (or an unusable one). */
  sampleRate: number | undefined;
}

export interface TableView {
  models: Map<string, ModelView>;
  /** Every endpoint in the table, served and mirror versions alike: what the health checker probes. */
  targets: Target[];
  keys: ReadonlySet<string>;
}

const views = new WeakMap<RoutingTable, TableView>();

/** The view of `table`, built on first use. */
export function viewOf(table: RoutingTable): TableView {
  let v = views.get(table);
  if (v === undefined) {
    v = buildView(table);
    views.set(table, v);
  }
  return v;
}

function buildView(table: RoutingTable): TableView {
  const models = new Map<string, ModelView>();
  const targets: Target[] = [];
  for (const [model, entry] of Object.entries(table.models)) {
    const regions = new Map<string, RegionView>();
    for (const r of entry.regions) {
      if (regions.has(r.region)) continue; // the first listing of a region wins, as a lookup by code did
      const toTargets = (version: string, endpoints: RoutingVersion['endpoints']): Target[] => endpoints.map((endpoint) => ({ model, region: r.region, version, endpoint, key: targetKey(model, version, endpoint) }));
      const versions = r.versions.map((version): VersionView => ({ version, targets: toTargets(version.version, version.endpoints) }));
      const byVersion = new Map<string, VersionView>();
      for (const v of versions) if (!byVersion.has(v.version.version)) byVersion.set(v.version.version, v);
      const fallback = byWeight(r.versions).map((x) => versions.find((v) => v.version === x)!);
      const mirrorTargets = r.mirror === undefined ? undefined : toTargets(r.mirror.version, r.mirror.endpoints);
      const mirror = r.mirror === undefined || mirrorTargets === undefined ? undefined : { version: r.mirror.version, percent: r.mirror.percent, targets: mirrorTargets, keys: mirrorTargets.map((t) => t.key) };
      const served = versions.flatMap((v) => v.targets);
      regions.set(r.region, { region: r, versions, split: versionSplit(r.versions), byVersion, fallback, keys: served.map((t) => t.key), mirror });
      targets.push(...served, ...(mirrorTargets ?? []));
    }
    const rate = entry.sampleRate;
    models.set(model, { entry, regions, sampleRate: typeof rate === 'number' && Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : undefined });
  }
  return { models, targets, keys: new Set(targets.map((t) => t.key)) };
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
