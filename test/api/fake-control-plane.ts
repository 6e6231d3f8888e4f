// An in-memory ControlPlaneService for the API and CLI tests: real tokens, models, rollouts that
// advance on timers through the same phases as the real reconciler, and an event log whose
// `subscribe` really pushes every appended event. The API is the thing under test; this stands in
// for the store and the regions behind it.
import { createHash, randomBytes } from 'node:crypto';
import { EMPTY_ROUTING_TABLE, type RoutingPolicySpec, type RoutingTable } from '../../src/core/routing-table.js';
import type { ReplicaStatus } from '../../src/providers/compute-provider.js';
import type { DrillRequest, RolloutCommand } from '../../src/rollout/service.js';
import type { AnalysisRun } from '../../src/api/contract.js';
import type { CreatedToken, DeployRequest, EventRecord, ModelStatus, ModelVersionInfo, PushResult, RegionInfo, RegionPhase, Role, Rollout, RolloutStatus, TokenInfo } from '../../src/api/contract.js';
import { MeridianError } from '../../src/core/errors.js';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import type { ControlPlaneService, EventQuery, Principal, RollbackRequest } from '../../src/rollout/service.js';

export const TOKENS = { admin: 'admin-token-0123456789', deployer: 'deployer-token-0123456789', viewer: 'viewer-token-0123456789' } as const;

const CATALOG = loadRegionCatalog();
const copy = <T>(v: T): T => structuredClone(v);

export class FakeControlPlane implements ControlPlaneService {
  readonly log: EventRecord[] = [];
  readonly models: ModelVersionInfo[] = [];
  readonly rollouts: Rollout[] = [];
  /** region → version, per model: what runs where. */
  readonly placements = new Map<string, Map<string, string>>();
  /** Regions whose next verification fails, with the reason. */
  readonly failures = new Map<string, { reason: string; errorCode: string }>();
  /** Time between two phase changes of a region. */
  stepMs = 30;
  /** Runs at the start of every events() call: lets a test append events while a replay reads. */
  beforeEventsRead: (() => Promise<void> | void) | undefined;
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly subscribers = new Set<(e: EventRecord) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextTokenId = 1;

  constructor() {
    for (const role of ['admin', 'deployer', 'viewer'] as const) this.tokens.set(TOKENS[role], { id: this.nextTokenId++, name: `${role}-user`, role, createdAt: new Date().toISOString() });
  }

  /** Appends to the log and tells every subscriber, as the store does after a commit. */
  append(e: Omit<EventRecord, 'id' | 'time'>): EventRecord {
    const rec: EventRecord = { id: this.log.length + 1, time: new Date().toISOString(), ...e };
    this.log.push(rec);
    for (const fn of this.subscribers) fn(copy(rec));
    return rec;
  }

  /** How many subscriptions are open: an event stream must end its own when its client leaves. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Stops every pending rollout step. */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  authenticate(token: string): Promise<Principal | undefined> {
    const t = this.tokens.get(token);
    return Promise.resolve(t === undefined ? undefined : { name: t.name, role: t.role });
  }

  regions(): RegionInfo[] {
    return CATALOG.all().map((r) => ({ code: r.code, provider: r.provider, city: r.city, country: r.country, continent: r.continent, jurisdiction: r.jurisdiction, latitude: r.latitude, longitude: r.longitude, zones: [...r.zones] }));
  }

  pushModel(model: string, version: string, bytes: Uint8Array, residency: string[] | null, by: Principal): Promise<PushResult> {
    const digest = createHash('sha256').update(bytes).digest('hex');
    const existing = this.models.find((m) => m.model === model && m.version === version);
    if (existing !== undefined) {
      if (existing.digest !== digest) return Promise.reject(new MeridianError('VERSION_CONFLICT', `${model}:${version} already holds other bytes; versions are immutable, push a new version`));
      return Promise.resolve({ created: false, version: copy(existing) });
    }
    const v: ModelVersionInfo = { model, version, digest, bytes: bytes.length, residency, inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }], outputs: [], goldenExamples: 1, createdAt: new Date().toISOString(), createdBy: by.name };
    this.models.push(v);
    this.append({ actor: by.name, kind: 'model.pushed', model, region: null, rolloutId: null, message: `pushed ${model}:${version}`, data: null });
    return Promise.resolve({ created: true, version: copy(v) });
  }

  listModels(model?: string): Promise<ModelVersionInfo[]> {
    return Promise.resolve(copy(this.models.filter((m) => model === undefined || m.model === model)));
  }

  deploy(model: string, req: DeployRequest, by: Principal): Promise<Rollout> {
    const v = this.models.find((m) => m.model === model && m.version === req.version);
    if (v === undefined) return Promise.reject(new MeridianError('MODEL_VERSION_UNKNOWN', `${model}:${req.version} was never pushed; push it first`));
    const unknown = req.regions.filter((r) => CATALOG.get(r) === undefined);
    if (unknown.length > 0) return Promise.reject(new MeridianError('REGION_UNKNOWN', `regions: unknown region ${unknown.join(', ')}`));
    const outside = req.regions.filter((r) => v.residency !== null && !v.residency.includes(CATALOG.require(r).jurisdiction));
    if (outside.length > 0) {
      return Promise.reject(new MeridianError('RESIDENCY_VIOLATION', `${model}:${req.version} may run only in ${v.residency?.join(', ')}; not in ${outside.map((r) => `${r} (${CATALOG.require(r).jurisdiction})`).join(', ')}`));
    }
    const parallel = req.parallel ?? 1;
    const waves = req.waves ?? req.regions.reduce<string[][]>((w, r, i) => (i % parallel === 0 ? [...w, [r]] : (w[w.length - 1]!.push(r), w)), []);
    return Promise.resolve(this.start(model, 'deploy', req.version, waves, req.onFailure ?? 'halt', req.replicas ?? 2, by));
  }

  rollback(model: string, req: RollbackRequest, by: Principal): Promise<Rollout> {
    const last = [...this.rollouts].reverse().find((r) => r.model === model && r.kind === 'deploy' && r.status === 'succeeded');
    if (last?.fromVersion == null) return Promise.reject(new MeridianError('NO_PREVIOUS_VERSION', `${model} has no previous version to return to`));
    const regions = req.regions ?? [...(this.placements.get(model)?.keys() ?? [])];
    return Promise.resolve(this.start(model, 'rollback', last.fromVersion, [regions], req.onFailure ?? 'halt', last.replicas, by));
  }

  async rolloutCommand(id: number, command: RolloutCommand): Promise<Rollout> {
    const r = await this.getRollout(id);
    if (command !== 'abort') throw new MeridianError('NOT_A_STRATEGY_ROLLOUT', `rollout ${id} is all-at-once: it has no steps to ${command}`);
    return r;
  }

  async analysis(id: number): Promise<AnalysisRun[]> {
    await this.getRollout(id);
    return [];
  }

  metrics(model: string, _windowSeconds: number, bucketSeconds: number): Promise<{ model: string; bucketSeconds: number; lines: [] }> {
    return Promise.resolve({ model, bucketSeconds, lines: [] });
  }

  watchingRouters(): { url: string; edge: string }[] {
    return [];
  }

  prometheus(): Promise<string> {
    return Promise.resolve('# HELP meridian_fake_rollouts Rollouts in the fake.\n# TYPE meridian_fake_rollouts gauge\nmeridian_fake_rollouts ' + String(this.rollouts.length) + '\n');
  }

  getRollout(id: number): Promise<Rollout> {
    const r = this.rollouts.find((x) => x.id === id);
    return r === undefined ? Promise.reject(new MeridianError('NOT_FOUND', `rollout ${id} does not exist`)) : Promise.resolve(copy(r));
  }

  history(model: string): Promise<Rollout[]> {
    // Oldest first on purpose: the API must sort.
    return Promise.resolve(copy(this.rollouts.filter((r) => r.model === model)));
  }

  status(model?: string): Promise<ModelStatus[]> {
    const names = [...new Set(this.models.map((m) => m.model))].filter((m) => model === undefined || m === model);
    return Promise.resolve(
      names.map((m) => {
        const where = [...(this.placements.get(m) ?? new Map<string, string>())];
        const done = this.rollouts.filter((r) => r.model === m && r.status === 'succeeded');
        const active = this.rollouts.find((r) => r.model === m && (r.status === 'pending' || r.status === 'running'));
        return {
          model: m,
          currentVersion: done[done.length - 1]?.toVersion ?? null,
          previousVersion: done[done.length - 1]?.fromVersion ?? null,
          regions: where.map(([region, version]) => ({ region, version, phase: 'serving', replicasReady: 2, replicasDesired: 2, health: 'healthy' as const, trafficShare: 1 / where.length, candidate: null })),
          activeRollout: active?.id ?? null,
        };
      }),
    );
  }

  async events(q: EventQuery): Promise<EventRecord[]> {
    await this.beforeEventsRead?.();
    const all = this.log.filter((e) => (q.afterId === undefined || e.id > q.afterId) && (q.model === undefined || e.model === q.model) && (q.region === undefined || e.region === q.region) && (q.rolloutId === undefined || e.rolloutId === q.rolloutId));
    return copy(all.slice(0, q.limit ?? 1000));
  }

  subscribe(fn: (e: EventRecord) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  table: RoutingTable = { ...EMPTY_ROUTING_TABLE, revision: 1 };
  private readonly tableSubscribers = new Set<(t: RoutingTable) => void>();
  policies: Record<string, RoutingPolicySpec> = {};
  drills: DrillRequest[] = [];

  routingTable(): RoutingTable {
    return this.table;
  }

  /** Publishes a table to watchers, as the control plane does after a placement changes. */
  publishTable(t: RoutingTable): void {
    this.table = t;
    for (const fn of this.tableSubscribers) fn(t);
  }

  subscribeRoutingTable(fn: (t: RoutingTable) => void): () => void {
    this.tableSubscribers.add(fn);
    return () => this.tableSubscribers.delete(fn);
  }

  routers: { url: string; edge: string }[] = [];

  registerRouter(r: { url: string; edge: string }): () => void {
    this.routers.push(r);
    return () => {
      this.routers = this.routers.filter((x) => x !== r);
    };
  }

  trafficPolicy(model: string): Promise<RoutingPolicySpec> {
    return Promise.resolve(this.policies[model] ?? { type: 'latency' });
  }

  setTrafficPolicy(model: string, policy: unknown): Promise<RoutingPolicySpec> {
    const spec = policy as RoutingPolicySpec;
    if (typeof spec !== 'object' || spec === null || typeof spec.type !== 'string') return Promise.reject(new MeridianError('INVALID_ARGUMENT', 'policy: "type" is required'));
    this.policies[model] = spec;
    return Promise.resolve(spec);
  }

  drill(req: DrillRequest): Promise<ReplicaStatus[]> {
    this.drills.push(req);
    return Promise.resolve([]);
  }

  createToken(name: string, role: Role, by: Principal): Promise<CreatedToken> {
    const token = `mrd_${randomBytes(12).toString('hex')}`;
    const info: TokenInfo = { id: this.nextTokenId++, name, role, createdAt: new Date().toISOString() };
    this.tokens.set(token, info);
    this.append({ actor: by.name, kind: 'token.created', model: null, region: null, rolloutId: null, message: `token ${name} (${role})`, data: null });
    return Promise.resolve({ ...info, token });
  }

  listTokens(): Promise<TokenInfo[]> {
    return Promise.resolve([...this.tokens.values()].sort((a, b) => a.id - b.id));
  }

  revokeToken(id: number): Promise<void> {
    const entry = [...this.tokens].find(([, t]) => t.id === id);
    if (entry === undefined) return Promise.reject(new MeridianError('NOT_FOUND', `token ${id} does not exist`));
    this.tokens.delete(entry[0]);
    return Promise.resolve();
  }

  private start(model: string, kind: Rollout['kind'], to: string, waves: string[][], onFailure: Rollout['onFailure'], replicas: number, by: Principal): Rollout {
    const now = new Date().toISOString();
    const current = this.rollouts.filter((r) => r.model === model && r.status === 'succeeded').pop()?.toVersion ?? null;
    const r: Rollout = {
      id: this.rollouts.length + 1, model, kind, fromVersion: current, toVersion: to, status: 'pending', reason: null, onFailure, waves, replicas,
      regions: waves.flatMap((w, wave) => w.map((region) => ({ region, wave, phase: 'pending' as const, reason: null, errorCode: null, startedAt: null, updatedAt: now, checks: [] }))),
      strategy: { type: 'all-at-once' }, progress: null,
      createdAt: now, updatedAt: now, createdBy: by.name,
    };
    this.rollouts.push(r);
    this.append({ actor: by.name, kind: 'rollout.created', model, region: null, rolloutId: r.id, message: `${kind} ${model} → ${to}`, data: null });
    this.later(() => this.advance(r));
    return copy(r);
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.stepMs);
    this.timers.add(t);
  }

  private setStatus(r: Rollout, status: RolloutStatus, reason: string | null): void {
    Object.assign(r, { status, reason, updatedAt: new Date().toISOString() });
    this.append({ actor: 'reconciler', kind: `rollout.${status}`, model: r.model, region: null, rolloutId: r.id, message: `rollout ${r.id} ${status}`, data: reason === null ? null : { reason } });
  }

  private setPhase(r: Rollout, region: string, phase: RegionPhase, failure?: { reason: string; errorCode: string }): void {
    const x = r.regions.find((y) => y.region === region)!;
    const now = new Date().toISOString();
    Object.assign(x, { phase, updatedAt: now, startedAt: x.startedAt ?? (phase === 'skipped' ? null : now), reason: failure?.reason ?? x.reason, errorCode: failure?.errorCode ?? x.errorCode });
    this.append({ actor: 'reconciler', kind: `region.${phase}`, model: r.model, region, rolloutId: r.id, message: `${region} ${phase}`, data: failure === undefined ? null : { ...failure } });
  }

  /** One step of the rollout: the next region phase of the current wave, then the next wave. */
  private advance(r: Rollout): void {
    if (r.status === 'pending') this.setStatus(r, 'running', null);
    const wave = r.regions.filter((x) => x.phase !== 'verified' && x.phase !== 'skipped').map((x) => x.wave)[0];
    if (wave === undefined) {
      const where = this.placements.get(r.model) ?? new Map<string, string>();
      for (const x of r.regions) where.set(x.region, r.toVersion);
      this.placements.set(r.model, where);
      return this.setStatus(r, 'succeeded', null);
    }
    const order: RegionPhase[] = ['pending', 'replicating', 'provisioning', 'verifying', 'verified'];
    for (const x of r.regions.filter((y) => y.wave === wave)) {
      const failure = this.failures.get(x.region);
      if (x.phase === 'verifying' && failure !== undefined) {
        this.setPhase(r, x.region, 'failed', failure);
        for (const y of r.regions.filter((z) => z.phase === 'pending')) this.setPhase(r, y.region, 'skipped');
        return this.setStatus(r, 'halted', `${x.region} failed verification: ${failure.reason}`);
      }
      const next = order[order.indexOf(x.phase) + 1];
      if (next !== undefined) this.setPhase(r, x.region, next);
    }
    this.later(() => this.advance(r));
  }
}
