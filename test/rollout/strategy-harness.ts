// A control plane for strategy tests: the real ControlPlane, reconciler, store (SQLite file),
// registry and routing-table builder, with fakes only at the ports — a fake clock, an in-memory
// compute provider, a verifier that passes, and synthetic router samples generated from the
// routing tables the control plane actually published (so a version gets requests only while the
// table gives it a share). Each version's behaviour (errors, latency, wrong classes) is chosen by
// the test; the real judges decide.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore } from '../../src/artifacts/blob-store.js';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import type { EventRecord, Rollout } from '../../src/core/domain.js';
import { silentLogger } from '../../src/core/log.js';
import type { RoutingPolicySpec, RoutingTable } from '../../src/core/routing-table.js';
import type { StrategySpec } from '../../src/core/strategy.js';
import { mulberry32 } from '../../src/examples/prng.js';
import type { ComputeProvider, ProvisionRequest, ReplicaStatus } from '../../src/providers/compute-provider.js';
import type { AnalysisSample } from '../../src/rollout/analysis/types.js';
import { ControlPlane } from '../../src/rollout/control-plane.js';
import type { AnalysisSource } from '../../src/rollout/ports.js';
import type { Principal } from '../../src/rollout/service.js';
import { buildRoutingTable, InProcessTrafficControl } from '../../src/rollout/traffic.js';
import { Store } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { model } from '../helpers/paths.js';

export const ADMIN: Principal = { name: 'tester', role: 'admin' };

/** How a version answers in the synthetic traffic (key `v2`, or `v2@eu-west-1` for one region). */
export interface Behaviour {
  /** Share of attempts answered 500. */
  errorRate: number;
  /** Typical latency; each sample varies ±20%. */
  latencyMs: number;
  /** Answers class (c+1) mod 3 instead of c: silently wrong. */
  permute: boolean;
}

export const GOOD: Behaviour = { errorRate: 0.001, latencyMs: 20, permute: false };

/** An in-memory ComputeProvider: replicas exist once provisioned, until retired. */
export class MemoryProvider implements ComputeProvider {
  readonly replicas = new Map<string, ReplicaStatus>();
  provisioned: string[] = [];
  retired: string[] = [];

  provision(req: ProvisionRequest): Promise<ReplicaStatus[]> {
    for (let i = 0; i < req.replicas; i++) {
      const id = `${req.region}/${req.model}:${req.version}/${i}`;
      if (!this.replicas.has(id)) {
        this.replicas.set(id, { id, region: req.region, zone: `${req.region}a`, model: req.model, version: req.version, index: i, phase: 'running', url: `http://127.0.0.1:9/${id}` });
        this.provisioned.push(id);
      }
    }
    return Promise.resolve(this.status({ region: req.region, model: req.model, version: req.version }));
  }

  status(f: { region?: string; model?: string; version?: string } = {}): ReplicaStatus[] {
    return [...this.replicas.values()].filter((r) => (f.region === undefined || r.region === f.region) && (f.model === undefined || r.model === f.model) && (f.version === undefined || r.version === f.version));
  }

  scale(req: ProvisionRequest): Promise<ReplicaStatus[]> {
    return this.provision(req);
  }

  retire(region: string, model: string, version: string): Promise<void> {
    for (const r of this.status({ region, model, version })) {
      this.replicas.delete(r.id);
      this.retired.push(r.id);
    }
    return Promise.resolve();
  }

  fail(): ReplicaStatus[] {
    return [];
  }

  restore(): Promise<ReplicaStatus[]> {
    return Promise.resolve([]);
  }

  close(): Promise<void> {
    this.replicas.clear();
    return Promise.resolve();
  }
}

interface TrafficAt {
  t: number;
  regions: Map<string, { weights: { version: string; weight: number }[]; mirror: { version: string; percent: number } | undefined }>;
}

/** Base class shares of the inputs: unequal, so a class permutation shows in the shares. */
const CLASS_SHARES = [0.5, 0.3, 0.2];

/**
 * Router samples as they would be recorded for `ratePerSecond` requests per region, split by the
 * routing table in force at each moment. Deterministic: the same window always gives the same samples.
 */
export class SyntheticTraffic implements AnalysisSource {
  private readonly timeline: TrafficAt[] = [];
  /** Slots already generated; a slot before the clock's now can no longer change. */
  private readonly cache = new Map<number, AnalysisSample[]>();

  constructor(
    private readonly clock: FakeClock,
    private readonly behaviours: Record<string, Behaviour>,
    public ratePerSecond: number,
  ) {}

  onTable(table: RoutingTable): void {
    const m = table.models.iris;
    const regions = new Map<string, TrafficAt['regions'] extends Map<string, infer V> ? V : never>();
    for (const r of m?.regions ?? []) regions.set(r.region, { weights: r.versions.map((v) => ({ version: v.version, weight: v.weight })), mirror: r.mirror === undefined ? undefined : { version: r.mirror.version, percent: r.mirror.percent } });
    this.timeline.push({ t: this.clock.now(), regions });
  }

  samples(modelName: string, fromMs: number, toMs: number): AnalysisSample[] {
    if (modelName !== 'iris') return [];
    const step = 1000 / this.ratePerSecond;
    const out: AnalysisSample[] = [];
    for (let slot = Math.ceil(fromMs / step); slot * step <= toMs; slot++) {
      const time = Math.round(slot * step);
      const cached = this.cache.get(slot);
      if (cached !== undefined) {
        out.push(...cached);
        continue;
      }
      const first = out.length;
      this.generate(slot, time, out);
      if (time < this.clock.now()) this.cache.set(slot, out.slice(first));
    }
    return out;
  }

  private generate(slot: number, time: number, out: AnalysisSample[]): void {
    {
      const at = this.at(time);
      if (at === undefined) return;
      let ri = 0;
      for (const [region, r] of at.regions) {
        ri++;
        const rng = mulberry32((slot * 2654435761 + ri * 40503) >>> 0);
        let pick = rng();
        const chosen = r.weights.find((w) => (pick -= w.weight) < 0) ?? r.weights[r.weights.length - 1];
        if (chosen === undefined) continue;
        // The request itself: its class and how clear-cut it is, the same for whichever version answers.
        const input = { cls: drawClass(rng), confidence: 0.7 + 0.25 * rng() };
        const requestId = `${slot}-${ri}`;
        const mirrored = r.mirror !== undefined && rng() * 100 < r.mirror.percent;
        out.push(this.answer(region, chosen.version, time, input, rng, false, requestId));
        if (mirrored) out.push(this.answer(region, r.mirror!.version, time, input, rng, true, requestId));
      }
    }
  }

  /** Requests (not mirror copies) each version answered in a window, for share assertions. */
  served(fromMs: number, toMs: number): Record<string, number> {
    const n: Record<string, number> = {};
    for (const s of this.samples('iris', fromMs, toMs)) if (!s.mirror) n[s.version] = (n[s.version] ?? 0) + 1;
    return n;
  }

  private at(time: number): TrafficAt | undefined {
    for (let i = this.timeline.length - 1; i >= 0; i--) if (this.timeline[i]!.t <= time) return this.timeline[i];
    return undefined;
  }

  private answer(region: string, version: string, time: number, input: { cls: number; confidence: number }, rng: () => number, mirror: boolean, requestId: string): AnalysisSample {
    const b = this.behaviours[`${version}@${region}`] ?? this.behaviours[version] ?? GOOD;
    const latencyMs = b.latencyMs * (0.8 + 0.4 * rng());
    if (rng() < b.errorRate) return { region, version, time, latencyMs, status: 500, outputs: [], mirror, requestId };
    const c = b.permute ? (input.cls + 1) % 3 : input.cls;
    // Two good versions differ a little on each answer (±0.02), as two retrains do.
    const top = Math.min(0.98, input.confidence + 0.04 * (rng() - 0.5));
    const rest = (1 - top) / 2;
    const probabilities = [0, 1, 2].map((k) => (k === c ? top : rest));
    return {
      region,
      version,
      time,
      latencyMs,
      status: 200,
      mirror,
      requestId,
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: probabilities },
        { name: 'label', datatype: 'INT64', shape: [1], data: [c] },
      ],
    };
  }
}

function drawClass(rng: () => number): number {
  let x = rng();
  for (let k = 0; k < CLASS_SHARES.length; k++) if ((x -= CLASS_SHARES[k]!) < 0) return k;
  return CLASS_SHARES.length - 1;
}

export interface StrategyEnv {
  dir: string;
  clock: FakeClock;
  store: Store;
  provider: MemoryProvider;
  traffic: InProcessTrafficControl;
  synthetic: SyntheticTraffic;
  controlPlane: ControlPlane;
  /** Events of a rollout, oldest first. */
  events(rolloutId: number): Promise<EventRecord[]>;
  /** Resolves at the first event (committed from now on) that `match` accepts. */
  nextEvent(match: (e: EventRecord) => boolean): Promise<EventRecord>;
  deploy(strategy: StrategySpec, o?: { waves?: string[][]; onFailure?: 'halt' | 'rollback' }): Promise<Rollout>;
  /** Stops this control plane and starts a new one on the same files, as after a crash. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A control plane with iris v1 serving in `regions` (all-at-once), ready for a strategy deploy of v2. */
export async function strategyEnv(o: { regions: string[]; behaviours: Record<string, Behaviour>; ratePerSecond?: number }): Promise<StrategyEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-strategy-'));
  const catalog = loadRegionCatalog();
  const clock = new FakeClock();
  const provider = new MemoryProvider();
  const traffic = new InProcessTrafficControl();
  const synthetic = new SyntheticTraffic(clock, o.behaviours, o.ratePerSecond ?? 200);
  traffic.subscribe((t) => synthetic.onTable(t));
  let revision = 0;
  const compose = async (): Promise<{ store: Store; controlPlane: ControlPlane }> => {
    const store = await Store.open(join(dir, 'meridian.db'));
    const controlPlane = new ControlPlane({
      store,
      provider,
      catalog,
      blobs: new BlobStore(join(dir, 'registry')),
      replicator: { replicate: () => Promise.resolve(join(dir, 'artifact.onnx')) },
      verifier: { verify: () => Promise.resolve({ ok: true, checks: [] }) },
      republish: async () => traffic.publish(await buildRoutingTable(store, provider, (c) => catalog.require(c), ++revision)),
      clock,
      logger: silentLogger,
      traffic,
      validatePolicy: (p) => p as RoutingPolicySpec,
      analysis: synthetic,
      healthCheck: { intervalMs: 3_600_000 },
    });
    return { store, controlPlane };
  };
  let { store, controlPlane } = await compose();
  for (const v of ['v1', 'v2']) await controlPlane.pushModel('iris', v, new Uint8Array(readFileSync(model(`iris-${v}.onnx`))), null, ADMIN);
  const first = await controlPlane.deploy('iris', { version: 'v1', regions: o.regions, parallel: o.regions.length }, ADMIN);
  await controlPlane.settled(first.id);
  // v1 has served for a minute before anything else happens: a baseline exists to compare against.
  clock.advance(60_000);
  const env: StrategyEnv = {
    dir,
    clock,
    get store() {
      return store;
    },
    provider,
    traffic,
    synthetic,
    get controlPlane() {
      return controlPlane;
    },
    events: (id) => store.events.list({ rolloutId: id, limit: 10_000 }),
    nextEvent: (match) =>
      new Promise((resolve) => {
        const off = store.events.subscribe((e) => {
          if (!match(e)) return;
          off();
          resolve(e);
        });
      }),
    deploy: (strategy, d = {}) => controlPlane.deploy('iris', { version: 'v2', regions: o.regions, ...(d.waves !== undefined ? { waves: d.waves } : { parallel: o.regions.length }), onFailure: d.onFailure ?? 'rollback', strategy }, ADMIN),
    async restart() {
      await controlPlane.stop();
      await store.close();
      ({ store, controlPlane } = await compose());
      await controlPlane.start();
    },
    async close() {
      await controlPlane.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}
