// Builds the routing table from the store's placements (only verified versions are ever placed),
// each model's policy and residency, and the provider's live replicas, and publishes it through
// the TrafficControl port.
import type { Region } from '../core/regions.js';
import type { RoutingTable } from '../core/routing-table.js';
import { EMPTY_ROUTING_TABLE } from '../core/routing-table.js';
import type { ComputeProvider } from '../providers/compute-provider.js';
import type { Store } from '../store/store.js';
import type { TrafficControl } from './ports.js';

export async function buildRoutingTable(store: Store, provider: ComputeProvider, region: (code: string) => Region, revision: number): Promise<RoutingTable> {
  const table: RoutingTable = { revision, generatedAt: new Date().toISOString(), models: {} };
  const policies = await store.traffic.policies();
  for (const p of await store.rollouts.placements()) {
    const endpoints = provider
      .status({ region: p.region, model: p.model, version: p.version })
      .filter((r) => r.phase === 'running' || r.phase === 'frozen')
      .map((r) => ({ id: r.id, zone: r.zone, url: r.url }));
    let model = table.models[p.model];
    if (model === undefined) {
      const version = await store.models.get(p.model, p.version);
      model = { policy: policies[p.model] ?? { type: 'latency' }, residency: version?.residency ?? null, regions: [] };
      table.models[p.model] = model;
    }
    const r = region(p.region);
    model.regions.push({ region: p.region, latitude: r.latitude, longitude: r.longitude, jurisdiction: r.jurisdiction, country: r.country, continent: r.continent, versions: [{ version: p.version, weight: 1, endpoints }] });
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
