// The control plane: ControlPlaneService over the store, the registry, the provider and the
// reconciler. It runs each active rollout in the background and resumes unfinished ones on start.
import type { BlobStore } from '../artifacts/blob-store.js';
import type { CreatedToken, DeployRequest, EventRecord, ModelStatus, ModelVersionInfo, PushResult, RegionInfo, Role, Rollout, TokenInfo } from '../core/domain.js';
import { MeridianError, messageOf } from '../core/errors.js';
import type { RegionCatalog } from '../config/regions/catalog.js';
import type { ModelVersionRecord } from '../store/models-repo.js';
import type { ReconcilerDeps } from './ports.js';
import { HEALTH_DEFAULTS, RegionHealthMonitor } from '../monitor/region-health.js';
import { Reconciler } from './reconciler.js';
import { planDeploy } from './deploy-plan.js';
import { checkName } from '../core/names.js';
import { pushModel } from './model-registry.js';
import type { RoutingPolicySpec, RoutingTable } from '../core/routing-table.js';
import type { ReplicaStatus } from '../providers/compute-provider.js';
import { DRILL_MODES, type ControlPlaneService, type DrillRequest, type EventQuery, type Principal, type RollbackRequest } from './service.js';
import type { InProcessTrafficControl } from './traffic.js';
import { sharesOf } from '../router/traffic-stats.js';
import { modelStatus } from './status.js';
import { wavesOf } from './waves.js';
import type { AnalysisSource } from './ports.js';
import { SampleCollector } from './sample-collector.js';
import { ControlPlaneMetrics } from './control-plane-metrics.js';
import { resolveAnalysis } from './analysis/config.js';
import { parseStrategy } from '../config/strategy-spec.js';
import type { AnalysisRun } from '../core/strategy.js';
import type { RolloutCommand } from './service.js';
import { recordRolloutCommand } from './rollout-commands.js';
import { isTerminalRollout } from '../core/domain.js';
import { WatchingRouters } from './watching-routers.js';
import { restorePlacements } from './placement-restore.js';

export interface ControlPlaneOptions extends Omit<ReconcilerDeps, 'analysis'> {
  /** Where analysis reads router samples; by default a SampleCollector polling the registered routers. */
  analysis?: AnalysisSource & { series?: SampleCollector['series'] };
  catalog: RegionCatalog;
  blobs: BlobStore;
  /** Overrides of the active health checks' interval, timeout and thresholds. */
  healthCheck?: Partial<{ -readonly [K in keyof typeof HEALTH_DEFAULTS]: number }>;
  /** Where routing tables are published (and read back for the API's watch). */
  traffic: InProcessTrafficControl;
  /** Checks a routing policy against the known regions (router/policies). */
  validatePolicy: (policy: unknown) => RoutingPolicySpec;
}

function info(v: ModelVersionRecord): ModelVersionInfo {
  const { golden: _golden, ...rest } = v;
  return rest;
}

export class ControlPlane implements ControlPlaneService {
  private readonly reconciler: Reconciler;
  private readonly running = new Map<number, Promise<unknown>>();
  private readonly abort = new AbortController();

  readonly health: RegionHealthMonitor;
  /** Routers watching the routing table right now: where traffic shares and samples come from. */
  private readonly routers = new WatchingRouters();

  private readonly samples: AnalysisSource & { series?: SampleCollector['series'] };
  private readonly metricsRegistry = new ControlPlaneMetrics();
  private readonly collector: SampleCollector | undefined;

  constructor(private readonly o: ControlPlaneOptions) {
    if (o.analysis !== undefined) this.samples = o.analysis;
    else {
      this.collector = new SampleCollector({
        routers: () => this.routers.urls(),
        models: async () => [...new Set((await o.store.rollouts.placements()).map((p) => p.model))],
        sampleRate: (model) => o.traffic.current().models[model]?.sampleRate ?? 1,
        logger: o.logger,
      });
      this.samples = this.collector;
    }
    this.reconciler = new Reconciler({ ...o, analysis: this.samples, observeRevert: (m, code, s) => this.metricsRegistry.observeRevert(m, code, s) });
    this.health = new RegionHealthMonitor({
      ...HEALTH_DEFAULTS,
      ...o.healthCheck,
      targets: async () =>
        (await o.store.rollouts.placements()).map((p) => ({
          model: p.model,
          region: p.region,
          version: p.version,
          replicas: o.provider.status({ region: p.region, model: p.model, version: p.version }).map((r) => ({ id: r.id, url: r.url })),
        })),
      onChange: (c) =>
        void o.store.events
          .record({ actor: 'monitor', kind: 'region.health', model: c.model, region: c.region, message: `${c.region}: ${c.from} → ${c.to} (${c.detail})`, data: { from: c.from, to: c.to } })
          .catch((e: unknown) => o.logger.log('error', 'health.event_failed', { error: messageOf(e) })),
    });
  }

  /**
   * Brings every region back to its recorded placement (replicas a previous control plane left
   * running are adopted, missing ones started) and resumes every unfinished rollout.
   */
  async start(): Promise<void> {
    const active = await this.o.store.rollouts.active();
    await restorePlacements(this.o, active);
    await this.o.republish();
    for (const r of active) this.drive(r.id);
    this.health.start();
    this.collector?.start();
  }

  /** Stops driving rollouts (they resume on the next start) and waits for in-flight steps to end. */
  async stop(): Promise<void> {
    this.abort.abort(new MeridianError('SHUTTING_DOWN', 'control plane stopping'));
    await this.health.stop();
    await this.collector?.stop();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Waits until a rollout driven by this process finishes (tests, benchmarks). */
  async settled(id: number): Promise<Rollout> {
    await this.running.get(id);
    return this.getRollout(id);
  }

  private drive(id: number): void {
    if (this.running.has(id)) return;
    const p = this.reconciler
      .run(id, this.abort.signal)
      .catch((e: unknown) => {
        if (!this.abort.signal.aborted) this.o.logger.log('error', 'rollout.reconcile_failed', { rolloutId: id, error: messageOf(e) });
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, p);
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const t = await this.o.store.tokens.find(token);
    return t === undefined ? undefined : { name: t.name, role: t.role };
  }

  regions(): RegionInfo[] {
    return this.o.catalog.all().map((r) => ({ code: r.code, provider: r.provider, city: r.city, country: r.country, continent: r.continent, jurisdiction: r.jurisdiction, latitude: r.latitude, longitude: r.longitude, zones: [...r.zones] }));
  }

  async pushModel(model: string, version: string, bytes: Uint8Array, residency: string[] | null, by: Principal): Promise<PushResult> {
    const r = await pushModel(this.o.store, this.o.blobs, model, version, bytes, residency, by.name);
    return { created: r.created, version: info(r.version as ModelVersionRecord) };
  }

  async listModels(model?: string): Promise<ModelVersionInfo[]> {
    return (await this.o.store.models.list(model)).map(info);
  }

  async deploy(model: string, req: DeployRequest, by: Principal): Promise<Rollout> {
    checkName('model', model);
    await this.refuseIfBusy(model);
    const strategy = parseStrategy(req.strategy);
    // Threshold names and ranges are the judges' to check: a typo must not silently keep a default.
    if ('analysis' in strategy && strategy.analysis !== undefined) resolveAnalysis(strategy.analysis);
    const plan = await planDeploy(this.o.store, this.o.catalog, model, req);
    const current = await this.currentVersion(model);
    const r = await this.o.store.rollouts.create({ model, kind: 'deploy', fromVersion: current, toVersion: plan.version.version, onFailure: plan.onFailure, waves: plan.waves, replicas: plan.replicas, previous: plan.previous, strategy }, by.name);
    this.drive(r.id);
    return r;
  }

  async rollback(model: string, req: RollbackRequest, by: Principal): Promise<Rollout> {
    checkName('model', model);
    await this.refuseIfBusy(model);
    const current = await this.currentVersion(model);
    if (current === null) throw new MeridianError('NO_PREVIOUS_VERSION', `model "${model}" is not deployed anywhere; nothing to roll back`);
    const last = (await this.o.store.rollouts.list(model)).find((r) => r.toVersion === current && r.kind === 'deploy' && (r.status === 'succeeded' || r.status === 'halted'));
    const target = last?.fromVersion ?? null;
    if (target === null || target === current) throw new MeridianError('NO_PREVIOUS_VERSION', `${model}:${current} has no previous version to return to`);
    const onCurrent = (await this.o.store.rollouts.placements(model)).filter((p) => p.version === current).map((p) => p.region);
    const regions = req.regions ?? onCurrent;
    const plan = await planDeploy(this.o.store, this.o.catalog, model, { version: target, regions, parallel: req.parallel ?? Math.max(1, regions.length), onFailure: req.onFailure ?? 'halt', replicas: last?.replicas });
    const r = await this.o.store.rollouts.create({ model, kind: 'rollback', fromVersion: current, toVersion: target, onFailure: plan.onFailure, waves: plan.waves, replicas: plan.replicas, previous: plan.previous, strategy: { type: 'all-at-once' } }, by.name);
    this.drive(r.id);
    return r;
  }

  async rolloutCommand(id: number, command: RolloutCommand, by: Principal): Promise<Rollout> {
    const r = await this.getRollout(id);
    if (isTerminalRollout(r.status)) throw new MeridianError('ROLLOUT_FINISHED', `rollout ${id} already ended (${r.status}); nothing to ${command}`);
    await recordRolloutCommand(this.o.store, r, command, by.name);
    this.reconciler.wake(id);
    this.drive(id);
    return this.getRollout(id);
  }

  async analysis(id: number): Promise<AnalysisRun[]> {
    await this.getRollout(id);
    return this.o.store.analysis.list(id);
  }

  async metrics(model: string, windowSeconds: number, bucketSeconds: number): Promise<{ model: string; bucketSeconds: number; lines: ReturnType<SampleCollector['series']> }> {
    checkName('model', model);
    if ((await this.o.store.models.versionsOf(model)).length === 0) throw new MeridianError('MODEL_NOT_FOUND', `unknown model "${model}"`);
    const lines = this.samples.series?.(model, windowSeconds * 1000, bucketSeconds * 1000) ?? [];
    return { model, bucketSeconds, lines };
  }

  prometheus(): Promise<string> {
    return this.metricsRegistry.render(this.o.store, (m, r) => this.health.health(m, r), this.routers.size);
  }

  async getRollout(id: number): Promise<Rollout> {
    const r = await this.o.store.rollouts.get(id);
    if (r === undefined) throw new MeridianError('NOT_FOUND', `rollout ${id} does not exist; \`meridian history MODEL\` lists rollouts`);
    return r;
  }

  history(model: string): Promise<Rollout[]> {
    return this.o.store.rollouts.list(model);
  }

  async status(model?: string): Promise<ModelStatus[]> {
    const models = model !== undefined ? [model] : [...new Set((await this.o.store.models.list()).map((m) => m.model))];
    if (model !== undefined && (await this.o.store.models.versionsOf(model)).length === 0) throw new MeridianError('MODEL_NOT_FOUND', `unknown model "${model}"`);
    const counts = await this.routers.counts();
    const trafficShares = (m: string): Promise<Record<string, number>> => Promise.resolve(sharesOf(counts.map((c) => c[m] ?? {})));
    return Promise.all(models.map((m) => modelStatus({ ...this.o, trafficShares, health: (mm, r) => this.health.health(mm, r) }, m)));
  }

  /** Routers watching the routing table now (their URL serves /metrics, /stats and /samples). */
  watchingRouters(): { url: string; edge: string }[] {
    return this.routers.list();
  }

  registerRouter(r: { url: string; edge: string }): () => void {
    return this.routers.register(r);
  }

  events(q: EventQuery): Promise<EventRecord[]> {
    return this.o.store.events.list(q);
  }

  subscribe(fn: (e: EventRecord) => void): () => void {
    return this.o.store.events.subscribe(fn);
  }

  routingTable(): RoutingTable {
    return this.o.traffic.current();
  }

  subscribeRoutingTable(fn: (t: RoutingTable) => void): () => void {
    return this.o.traffic.subscribe(fn);
  }

  async trafficPolicy(model: string): Promise<RoutingPolicySpec> {
    checkName('model', model);
    return this.o.store.traffic.policy(model);
  }

  async setTrafficPolicy(model: string, policy: unknown, by: Principal): Promise<RoutingPolicySpec> {
    checkName('model', model);
    if ((await this.o.store.models.versionsOf(model)).length === 0) throw new MeridianError('MODEL_NOT_FOUND', `unknown model "${model}"; push it first`);
    const spec = this.o.validatePolicy(policy);
    await this.o.store.traffic.setPolicy(model, spec, by.name);
    await this.o.republish();
    return spec;
  }

  async drill(req: DrillRequest, by: Principal): Promise<ReplicaStatus[]> {
    this.o.catalog.require(req.region);
    const target = { region: req.region, ...(req.zone !== undefined ? { zone: req.zone } : {}), ...(req.replicaId !== undefined ? { replicaId: req.replicaId } : {}) };
    const what = req.replicaId ?? req.zone ?? req.region;
    const hit = req.mode === 'restore' ? await this.o.provider.restore(target) : this.o.provider.fail(target, DRILL_MODES[req.mode]);
    await this.o.store.events.record({ actor: by.name, kind: `drill.${req.mode}`, region: req.region, message: `drill: ${req.mode} ${what} (${hit.length} replica(s))`, data: { zone: req.zone ?? null, replicaId: req.replicaId ?? null } });
    // Restarted replicas have new ports: routers must learn them.
    if (req.mode === 'restore') await this.o.republish();
    return hit;
  }

  createToken(name: string, role: Role, by: Principal): Promise<CreatedToken> {
    return this.o.store.tokens.create(name, role, by.name);
  }

  listTokens(): Promise<TokenInfo[]> {
    return this.o.store.tokens.list();
  }

  async revokeToken(id: number, by: Principal): Promise<void> {
    if (!(await this.o.store.tokens.revoke(id, by.name))) throw new MeridianError('NOT_FOUND', `no active token with id ${id}`);
  }

  private async refuseIfBusy(model: string): Promise<void> {
    const active = (await this.o.store.rollouts.active()).find((r) => r.model === model);
    if (active !== undefined) throw new MeridianError('ROLLOUT_IN_PROGRESS', `rollout ${active.id} of ${model} (→ ${active.toVersion}) is still running; wait for it or follow it with \`meridian events -f --model ${model}\``);
  }

  /** The version most regions serve, or null when the model runs nowhere. */
  private async currentVersion(model: string): Promise<string | null> {
    const counts = new Map<string, number>();
    for (const p of await this.o.store.rollouts.placements(model)) counts.set(p.version, (counts.get(p.version) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  }
}

export { wavesOf };
