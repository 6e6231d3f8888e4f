// Active health monitoring of every serving region after verification: each replica's OIP
// model-ready endpoint is probed on an interval; thresholds turn probe results into replica
// health (as GCP's health checks do: unhealthy after 2 failures, healthy after 2 passes), and
// replica health into region health. A hung (SIGSTOPped) replica fails by timeout.
import type { RegionHealth } from '../core/domain.js';

export interface HealthTarget {
  model: string;
  region: string;
  version: string;
  replicas: { id: string; url: string }[];
}

export interface HealthMonitorOptions {
  targets: () => Promise<HealthTarget[]>;
  intervalMs: number;
  timeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  onChange: (t: { model: string; region: string; from: RegionHealth; to: RegionHealth; detail: string }) => void;
}

/** Defaults: 2 s interval, 1 s timeout (a model-ready probe answers in milliseconds), 2/2 thresholds (GCP's). */
export const HEALTH_DEFAULTS = { intervalMs: 2000, timeoutMs: 1000, unhealthyThreshold: 2, healthyThreshold: 2 } as const;

interface ReplicaState {
  healthy: boolean | undefined;
  fails: number;
  passes: number;
  lastProblem: string;
}

export class RegionHealthMonitor {
  private readonly replicas = new Map<string, ReplicaState>();
  private readonly regions = new Map<string, RegionHealth>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: HealthMonitorOptions) {}

  start(): void {
    const tick = (): void => {
      this.running = this.probeAll().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.o.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  health(model: string, region: string): RegionHealth {
    return this.regions.get(`${model}/${region}`) ?? 'unknown';
  }

  /** One round of probes over every target; exposed for tests. */
  async probeAll(): Promise<void> {
    const targets = await this.o.targets();
    const seen = new Set<string>();
    const probed = new Set<string>();
    await Promise.all(
      targets.map(async (t) => {
        const key = `${t.model}/${t.region}`;
        seen.add(key);
        const states = await Promise.all(
          t.replicas.map((r) => {
            const id = `${key}/${t.version}/${r.id}`;
            probed.add(id);
            return this.probe(id, r.url, t);
          }),
        );
        const healthy = states.filter((s) => s.healthy === true).length;
        const known = states.filter((s) => s.healthy !== undefined).length;
        const to: RegionHealth = known === 0 ? 'unknown' : healthy === states.length ? 'healthy' : healthy === 0 ? (known === states.length ? 'down' : 'unknown') : 'degraded';
        const from = this.regions.get(key) ?? 'unknown';
        this.regions.set(key, to);
        if (from !== to) {
          const problems = states.filter((s) => s.healthy === false).map((s) => s.lastProblem);
          this.o.onChange({ model: t.model, region: t.region, from, to, detail: `${healthy}/${states.length} replicas healthy${problems.length > 0 ? `: ${problems.join('; ')}` : ''}` });
        }
      }),
    );
    for (const k of [...this.regions.keys()]) if (!seen.has(k)) this.regions.delete(k);
    for (const k of [...this.replicas.keys()]) if (!probed.has(k)) this.replicas.delete(k);
  }

  private async probe(key: string, url: string, t: HealthTarget): Promise<ReplicaState> {
    let s = this.replicas.get(key);
    if (s === undefined) {
      s = { healthy: undefined, fails: 0, passes: 0, lastProblem: '' };
      this.replicas.set(key, s);
    }
    let ok = false;
    try {
      const r = await fetch(`${url}/v2/models/${encodeURIComponent(t.model)}/versions/${encodeURIComponent(t.version)}/ready`, { signal: AbortSignal.timeout(this.o.timeoutMs) });
      await r.arrayBuffer();
      ok = r.status === 200;
      if (!ok) s.lastProblem = `${key.split('/').pop() ?? key} answered ${r.status}`;
    } catch (e) {
      s.lastProblem = `${url}: ${(e as Error).name === 'TimeoutError' ? `no answer in ${this.o.timeoutMs} ms` : 'connection failed'}`;
    }
    if (ok) {
      s.passes++;
      s.fails = 0;
      // The first probe decides at once; afterwards a change needs `threshold` results in a row.
      if (s.healthy === undefined || (s.healthy === false && s.passes >= this.o.healthyThreshold)) s.healthy = true;
    } else {
      s.fails++;
      s.passes = 0;
      if (s.healthy === undefined || (s.healthy === true && s.fails >= this.o.unhealthyThreshold)) s.healthy = false;
    }
    return s;
  }
}
