// `meridian status`: per region, the version, phase, replicas ready, health and traffic share.
import type { ModelStatus, RegionHealth, RegionStatus } from '../core/domain.js';
import type { CandidateTraffic } from '../core/strategy.js';
import { isTerminalRegionPhase } from '../core/domain.js';
import type { ComputeProvider } from '../providers/compute-provider.js';
import type { Store } from '../store/store.js';

/** Observed share of a model's requests per region over a recent window; {} when idle. */
export type TrafficShares = (model: string) => Promise<Record<string, number>>;

export interface StatusSources {
  store: Store;
  provider: ComputeProvider;
  trafficShares: TrafficShares;
  /** The active health checks' verdict; 'unknown' before the first probes. */
  health: (model: string, region: string) => RegionHealth;
}

export async function modelStatus(o: StatusSources, model: string): Promise<ModelStatus> {
  const placements = await o.store.rollouts.placements(model);
  const rollouts = await o.store.rollouts.list(model);
  const active = rollouts.find((r) => r.status === 'pending' || r.status === 'running' || r.status === 'paused');
  const shares = await o.trafficShares(model);
  const regions = new Map<string, RegionStatus>();
  for (const p of placements) {
    const replicas = o.provider.status({ region: p.region, model, version: p.version });
    const ready = replicas.filter((r) => r.phase === 'running').length;
    const c = p.candidate ?? null;
    regions.set(p.region, { region: p.region, version: p.version, phase: c === null ? 'serving' : candidatePhase(c), replicasReady: ready, replicasDesired: p.replicas, health: combinedHealth(o.health(model, p.region), ready, p.replicas), trafficShare: shares[p.region] ?? 0, candidate: c });
  }
  // Regions a running rollout is working on show its phase.
  for (const x of active?.regions ?? []) {
    if (isTerminalRegionPhase(x.phase) && regions.has(x.region)) continue;
    const existing = regions.get(x.region);
    const replicas = o.provider.status({ region: x.region, model, version: active!.toVersion }).filter((r) => r.phase === 'running').length;
    regions.set(x.region, {
      region: x.region,
      version: existing?.version ?? active!.toVersion,
      phase: `${x.phase} ${active!.toVersion}`,
      replicasReady: existing?.replicasReady ?? replicas,
      replicasDesired: existing?.replicasDesired ?? active!.replicas,
      health: existing?.health ?? 'unknown',
      trafficShare: existing?.trafficShare ?? 0,
      candidate: existing?.candidate ?? null,
    });
  }
  const last = rollouts.find((r) => r.status === 'succeeded' || r.status === 'halted');
  const current = placements[0]?.version ?? null;
  return {
    model,
    currentVersion: current,
    previousVersion: last?.toVersion === current ? last.fromVersion : null,
    regions: [...regions.values()].sort((a, b) => a.region.localeCompare(b.region)),
    activeRollout: active?.id ?? null,
  };
}

/** How a region with a candidate reads in `meridian status`: "canary 25% → v3", "shadow 20% → v3". */
function candidatePhase(c: CandidateTraffic): string {
  if (c.weight >= 1) return `switched to ${c.version} (stable kept warm)`;
  if (c.weight > 0) return `canary ${Math.round(c.weight * 1000) / 10}% → ${c.version}`;
  if (c.mirrorPercent > 0) return `shadow ${c.mirrorPercent}% → ${c.version}`;
  return `${c.version} ready, no traffic yet`;
}

/** The worse of what the provider sees (processes alive) and what the probes see (answers). */
function combinedHealth(probed: RegionHealth, ready: number, desired: number): RegionHealth {
  const processes: RegionHealth = ready === 0 ? 'down' : ready >= desired ? 'healthy' : 'degraded';
  const rank: Record<RegionHealth, number> = { healthy: 0, unknown: 1, degraded: 2, down: 3 };
  if (probed === 'unknown') return processes;
  return rank[probed] > rank[processes] ? probed : processes;
}
