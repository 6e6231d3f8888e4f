// Builds the routing table from the store's placements (only verified versions are ever placed),
// each model's policy and residency, and the provider's live replicas, and publishes it through
// the TrafficControl port.
import { ROLLOUT_DEFAULTS } from '../core/defaults.js';
import type { Region } from '../core/regions.js';
import type { RoutingEndpoint, RoutingRegion, RoutingTable } from '../core/routing-table.js';
import { EMPTY_ROUTING_TABLE } from '../core/routing-table.js';
import type { ComputeProvider } from '../providers/compute-provider.js';
import type { Store } from '../store/store.js';
import type { TrafficControl } from './ports.js';

export async function buildRoutingTable(store: Store, provider: ComputeProvider, region: (code: string) => Region, revision: number): Promise<RoutingTable> {
  const table: RoutingTable = { revision, generatedAt: new Date().toISOString(), models: {} };
  const policies = await store.traffic.policies();
  const endpointsOf = (region: string, model: string, version: string): RoutingEndpoint[] =>
    provider
      .status({ region, model, version })
      .filter((r) => r.phase === 'running' || r.phase === 'frozen')
      .map((r) => ({ id: r.id, zone: r.zone, url: r.url }));
  for (const p of await store.rollouts.placements()) {
    let model = table.models[p.model];
    if (model === undefined) {
      const version = await store.models.get(p.model, p.version);
      model = { policy: policies[p.model] ?? { type: 'latency' }, residency: version?.residency ?? null, regions: [], sampleRate: ROLLOUT_DEFAULTS.idleSampleRate };
      table.models[p.model] = model;
    }
    const r = region(p.region);
    const entry: RoutingRegion = { region: p.region, latitude: r.latitude, longitude: r.longitude, jurisdiction: r.jurisdiction, country: r.country, continent: r.continent, versions: [] };
    const c = p.candidate ?? null;
    // While a release strategy runs here: the candidate's share of requests, or a mirror of them.
    const candidateWeight = c === null ? 0 : c.weight;
    if (candidateWeight < 1) entry.versions.push({ version: p.version, weight: 1 - candidateWeight, endpoints: endpointsOf(p.region, p.model, p.version) });
    if (c !== null && candidateWeight > 0) entry.versions.push({ version: c.version, weight: candidateWeight, endpoints: endpointsOf(p.region, p.model, c.version) });
    if (c !== null && c.mirrorPercent > 0) entry.mirror = { version: c.version, percent: c.mirrorPercent, endpoints: endpointsOf(p.region, p.model, c.version) };
    if (c?.stickyHeader !== undefined) entry.stickyHeader = c.stickyHeader;
    // Analysis judges every request while a candidate is out (routers record a share otherwise).
    if (c !== null) model.sampleRate = ROLLOUT_DEFAULTS.analysisSampleRate;
    model.regions.push(entry);
  }
  return table;
}

/** TrafficControl for routers fed by this process (in-process, or through the API's watch). */
export class InProcessTrafficControl implements TrafficControl {
  private table: RoutingTable = EMPTY_ROUTING_TABLE;
  private readonly listeners = new Set<(t: RoutingTable) => void>();

  publish(table: RoutingTable): void {
    if (table.revision <= this.table.revision) return;
    this.table = table;
    for (const l of this.listeners) l(table);
  }

  current(): RoutingTable {
    return this.table;
  }

  subscribe(fn: (t: RoutingTable) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
