// Rollouts, their per-region progress, and placements (which version serves where). Every change
// is persisted together with its event, so the reconciler can continue after a crash from exactly
// what was recorded.
import type { Kysely, Transaction } from 'kysely';
import type { OnFailure, RegionPhase, Rollout, RolloutRegion, RolloutStatus, VerificationCheck } from '../core/domain.js';
import { INITIAL_PROGRESS, type CandidateTraffic, type StrategyProgress, type StrategySpec } from '../core/strategy.js';
import type { EventLog } from './event-log.js';
import type { Selectable } from 'kysely';
import type { Database, RolloutRegionsTable, RolloutsTable } from './schema.js';

export interface NewRollout {
  model: string;
  kind: 'deploy' | 'rollback';
  fromVersion: string | null;
  toVersion: string;
  onFailure: OnFailure;
  waves: string[][];
  replicas: number;
  /** Per region: the version it served before (null: none). */
  previous: Record<string, string | null>;
  strategy: StrategySpec;
}

export interface Placement {
  model: string;
  region: string;
  version: string;
  replicas: number;
  /** While a release strategy runs here: the candidate's share or mirror (see core/strategy.ts). */
  candidate?: CandidateTraffic | null;
}

/** A strategy step's traffic change in one region, written with the rollout's progress. */
export interface CandidateChange {
  region: string;
  candidate: CandidateTraffic | null;
}

export interface RegionUpdate {
  reason?: string | null;
  errorCode?: string | null;
  checks?: VerificationCheck[];
  started?: boolean;
}

export interface RolloutRegionRecord extends RolloutRegion {
  previousVersion: string | null;
}

export interface RolloutRecord extends Rollout {
  regions: RolloutRegionRecord[];
}

const now = (): string => new Date().toISOString();

function toRegion(r: RolloutRegionsTable): RolloutRegionRecord {
  return {
    region: r.region,
    wave: r.wave,
    phase: r.phase as RegionPhase,
    previousVersion: r.previous_version,
    reason: r.reason,
    errorCode: r.error_code,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    checks: JSON.parse(r.checks) as VerificationCheck[],
  };
}

function toRollout(r: Selectable<RolloutsTable>, regions: RolloutRegionsTable[]): RolloutRecord {
  return {
    id: r.id,
    model: r.model,
    kind: r.kind as 'deploy' | 'rollback',
    fromVersion: r.from_version,
    toVersion: r.to_version,
    status: r.status as RolloutStatus,
    reason: r.reason,
    onFailure: r.on_failure as OnFailure,
    waves: JSON.parse(r.waves) as string[][],
    replicas: r.replicas,
    strategy: JSON.parse(r.strategy) as StrategySpec,
    progress: r.progress === null ? null : (JSON.parse(r.progress) as StrategyProgress),
    regions: regions.sort((a, b) => a.wave - b.wave || a.region.localeCompare(b.region)).map(toRegion),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
  };
}

export class RolloutsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventLog,
  ) {}

  private async write<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      const out = await this.db.transaction().execute(fn);
      this.events.flush();
      return out;
    } catch (e) {
      this.events.discard();
      throw e;
    }
  }

  async create(r: NewRollout, actor: string): Promise<RolloutRecord> {
    const t = now();
    const id = await this.write(async (trx) => {
      const row = await trx
        .insertInto('rollouts')
        .values({ model: r.model, kind: r.kind, from_version: r.fromVersion, to_version: r.toVersion, status: 'pending', reason: null, on_failure: r.onFailure, waves: JSON.stringify(r.waves), replicas: r.replicas, strategy: JSON.stringify(r.strategy), progress: null, created_at: t, updated_at: t, created_by: actor })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rows = r.waves.flatMap((wave, w) => wave.map((region) => ({ rollout_id: row.id, region, wave: w, phase: 'pending', previous_version: r.previous[region] ?? null, reason: null, error_code: null, checks: '[]', started_at: null, updated_at: t })));
      await trx.insertInto('rollout_regions').values(rows).execute();
      const waves = r.waves.map((w) => w.join(',')).join(' ; ');
      await this.events.append(trx, { actor, kind: 'rollout.created', model: r.model, rolloutId: row.id, message: `${r.kind} ${r.model} ${r.fromVersion ?? '(none)'} → ${r.toVersion} in waves ${waves}, strategy ${r.strategy.type} (on failure: ${r.onFailure})`, data: { waves: r.waves, replicas: r.replicas, strategy: r.strategy } });
      return row.id;
    });
    return (await this.get(id))!;
  }

  async get(id: number): Promise<RolloutRecord | undefined> {
    const row = await this.db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const regions = await this.db.selectFrom('rollout_regions').selectAll().where('rollout_id', '=', id).execute();
    return toRollout(row, regions);
  }

  async list(model?: string): Promise<RolloutRecord[]> {
    let q = this.db.selectFrom('rollouts').select('id').orderBy('id', 'desc');
    if (model !== undefined) q = q.where('model', '=', model);
    const ids = await q.execute();
    return (await Promise.all(ids.map((r) => this.get(r.id)))).filter((r): r is RolloutRecord => r !== undefined);
  }

  /** Rollouts not yet finished, oldest first: what the reconciler resumes after a restart. */
  async active(): Promise<RolloutRecord[]> {
    const ids = await this.db.selectFrom('rollouts').select('id').where('status', 'in', ['pending', 'running', 'paused']).orderBy('id').execute();
    return (await Promise.all(ids.map((r) => this.get(r.id)))).filter((r): r is RolloutRecord => r !== undefined);
  }

  async setStatus(id: number, status: RolloutStatus, reason: string | null, actor: string, message: string): Promise<void> {
    await this.write(async (trx) => {
      const row = await trx.updateTable('rollouts').set({ status, reason, updated_at: now() }).where('id', '=', id).returning('model').executeTakeFirstOrThrow();
      await this.events.append(trx, { actor, kind: `rollout.${status}`, model: row.model, rolloutId: id, message, data: reason === null ? null : { reason } });
    });
  }

  async setRegionPhase(id: number, region: string, phase: RegionPhase, u: RegionUpdate, actor: string, message: string): Promise<void> {
    await this.write(async (trx) => {
      const t = now();
      await trx
        .updateTable('rollout_regions')
        .set({
          phase,
          updated_at: t,
          ...(u.reason !== undefined ? { reason: u.reason } : {}),
          ...(u.errorCode !== undefined ? { error_code: u.errorCode } : {}),
          ...(u.checks !== undefined ? { checks: JSON.stringify(u.checks) } : {}),
          ...(u.started === true ? { started_at: t } : {}),
        })
        .where('rollout_id', '=', id)
        .where('region', '=', region)
        .execute();
      const model = (await trx.selectFrom('rollouts').select('model').where('id', '=', id).executeTakeFirstOrThrow()).model;
      await this.events.append(trx, { actor, kind: `region.${phase}`, model, region, rolloutId: id, message, data: u.errorCode != null ? { errorCode: u.errorCode, reason: u.reason ?? null } : null });
    });
  }

  async placements(model?: string): Promise<Placement[]> {
    let q = this.db.selectFrom('placements').select(['model', 'region', 'version', 'replicas', 'candidate']).orderBy('model').orderBy('region');
    if (model !== undefined) q = q.where('model', '=', model);
    return (await q.execute()).map((p) => ({ ...p, candidate: p.candidate === null ? null : (JSON.parse(p.candidate) as CandidateTraffic) }));
  }

  /** Records that `version` now serves `model` in `region` (the routing table's source of truth); a candidate there is dropped. */
  async setPlacement(p: Placement, actor: string, rolloutId: number | null): Promise<void> {
    await this.write(async (trx) => {
      const row = { model: p.model, region: p.region, version: p.version, replicas: p.replicas, candidate: null, updated_at: now() };
      await trx
        .insertInto('placements')
        .values(row)
        .onConflict((oc) => oc.columns(['model', 'region']).doUpdateSet({ version: p.version, replicas: p.replicas, candidate: null, updated_at: row.updated_at }))
        .execute();
      await this.events.append(trx, { actor, kind: 'traffic.routed', model: p.model, region: p.region, rolloutId, message: `${p.region} now routes ${p.model} to ${p.version}`, data: { version: p.version } });
    });
  }

  async removePlacement(model: string, region: string, actor: string, rolloutId: number | null): Promise<void> {
    await this.write(async (trx) => {
      const r = await trx.deleteFrom('placements').where('model', '=', model).where('region', '=', region).executeTakeFirst();
      if (r.numDeletedRows > 0n) await this.events.append(trx, { actor, kind: 'traffic.removed', model, region, rolloutId, message: `${region} no longer routes ${model}` });
    });
  }

  /**
   * Changes some fields of a rollout's strategy progress — merged into what the store holds at
   * that moment, so a command (promote, pause) and the reconciler never undo each other's fields —
   * and, in the same transaction, the candidate traffic of the regions it changes: after a crash
   * the placements and the step never disagree. Returns the progress now stored.
   */
  async setProgress(id: number, patch: Partial<StrategyProgress>, changes: readonly CandidateChange[], e: { actor: string; kind: string; message: string; status?: RolloutStatus; reason?: string | null; data?: Record<string, unknown> }): Promise<StrategyProgress> {
    return this.write(async (trx) => {
      const cur = await trx.selectFrom('rollouts').select(['model', 'progress']).where('id', '=', id).executeTakeFirstOrThrow();
      const progress: StrategyProgress = { ...INITIAL_PROGRESS, ...(cur.progress === null ? {} : (JSON.parse(cur.progress) as StrategyProgress)), ...patch };
      await trx
        .updateTable('rollouts')
        .set({ progress: JSON.stringify(progress), updated_at: now(), ...(e.status !== undefined ? { status: e.status, reason: e.reason ?? null } : {}) })
        .where('id', '=', id)
        .execute();
      for (const c of changes) {
        await trx.updateTable('placements').set({ candidate: c.candidate === null ? null : JSON.stringify(c.candidate), updated_at: now() }).where('model', '=', cur.model).where('region', '=', c.region).execute();
      }
      await this.events.append(trx, { actor: e.actor, kind: e.kind, model: cur.model, rolloutId: id, message: e.message, data: { ...patch, ...(changes.length > 0 ? { traffic: changes } : {}), ...e.data } });
      return progress;
    });
  }

  /** Puts a verified candidate beside the stable version in a region (no traffic yet, or a share/mirror). */
  async setCandidate(model: string, region: string, candidate: CandidateTraffic | null, actor: string, rolloutId: number, message: string): Promise<void> {
    await this.write(async (trx) => {
      await trx.updateTable('placements').set({ candidate: candidate === null ? null : JSON.stringify(candidate), updated_at: now() }).where('model', '=', model).where('region', '=', region).execute();
      await this.events.append(trx, { actor, kind: 'traffic.candidate', model, region, rolloutId, message, data: { candidate } });
    });
  }
}
