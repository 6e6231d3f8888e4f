// Builds the routing table from the store's placements (only verified versions are ever placed)
// and the provider's live replicas, and publishes it through the TrafficControl port.
import type { RoutingTable } from '../core/routing-table.js';
import { EMPTY_ROUTING_TABLE } from '../core/routing-table.js';
import type { ComputeProvider } from '../providers/compute-provider.js';
import type { Store } from '../store/store.js';
import type { TrafficControl } from './ports.js';

export async function buildRoutingTable(store: Store, provider: ComputeProvider, revision: number): Promise<RoutingTable> {
  const table: RoutingTable = { revision, generatedAt: new Date().toISOString(), models: {} };
  for (const p of await store.rollouts.placements()) {
    const endpoints = provider
      .status({ region: p.region, model: p.model, version: p.version })
      .filter((r) => r.phase === 'running')
      .map((r) => ({ id: r.id, zone: r.zone, url: r.url }));
    (table.models[p.model] ??= { regions: [] }).regions.push({ region: p.region, version: p.version, endpoints });
  }
  return table;
}

/** TrafficControl for routers in this process (the local environment's router). */
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
