// The control plane's Prometheus metrics: what runs where (placements with their traffic weight),
// region health as the monitor sees it, rollouts by status, analysis verdicts, and how long a
// failed verdict took to reach the routers. State gauges are rebuilt from the store at each scrape,
// so they are right after a restart; the revert histogram is this process's own measurement.
import { Counter, Histogram, Registry } from '../monitor/prometheus.js';
import type { RegionHealth } from '../core/domain.js';
import type { Store } from '../store/store.js';

/** Seconds from a failing verdict (or an abort) to the stable version's table being published. */
const REVERT_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;
const HEALTH_STATES: readonly RegionHealth[] = ['healthy', 'degraded', 'down', 'unknown'];

export class ControlPlaneMetrics {
  private readonly revert: Histogram;
  private readonly reverts: Counter;

  constructor() {
    // Kept across scrapes (they are this process's observations, not state in the store).
    this.revert = new Histogram('meridian_strategy_revert_seconds', 'Time from a failed analysis verdict or an abort to the routing table with all traffic on the stable version being published.', REVERT_BUCKETS_SECONDS);
    this.reverts = new Counter('meridian_strategy_reverts_total', 'Waves returned to the stable version, by reason code (ANALYSIS_FAILED, ABORTED).');
  }

  observeRevert(model: string, code: string, seconds: number): void {
    this.revert.observe({ model }, seconds);
    this.reverts.inc({ model, code });
  }

  async render(store: Store, health: (model: string, region: string) => RegionHealth, routers: number): Promise<string> {
    const r = new Registry();
    const placement = r.gauge('meridian_placement_weight', 'Share of a region\'s requests each version of a model serves (candidate while a strategy runs; mirror copies not counted).');
    const mirror = r.gauge('meridian_placement_mirror_ratio', 'Share of a region\'s requests copied to a shadow candidate.');
    const healthGauge = r.gauge('meridian_region_health', 'Health of a model in a region from active probes: 1 for the current state, 0 for the others.');
    const rollouts = r.gauge('meridian_rollouts', 'Rollouts known to the store, by model and status.');
    const runs = r.counter('meridian_analysis_runs_total', 'Analysis verdicts recorded (one per region and step), by model and result.');
    const routerGauge = r.gauge('meridian_routers_connected', 'Routers watching the routing table now.');
    for (const p of await store.rollouts.placements()) {
      const c = p.candidate ?? null;
      const w = c === null ? 0 : c.weight;
      placement.set({ model: p.model, region: p.region, version: p.version, role: 'stable' }, 1 - w);
      if (c !== null) {
        placement.set({ model: p.model, region: p.region, version: c.version, role: 'candidate' }, w);
        mirror.set({ model: p.model, region: p.region, version: c.version }, c.mirrorPercent / 100);
      }
      const now = health(p.model, p.region);
      for (const s of HEALTH_STATES) healthGauge.set({ model: p.model, region: p.region, state: s }, s === now ? 1 : 0);
    }
    for (const x of await store.rollouts.list()) rollouts.inc({ model: x.model, status: x.status });
    for (const x of await store.analysis.counts()) runs.inc({ model: x.model, result: x.result }, x.count);
    routerGauge.set({}, routers);
    return `${r.render()}${this.revert.render()}\n${this.reverts.render()}\n`;
  }
}
