// The rollout reconciler: from what the store records (desired rollout, per-region phases) and
// what the provider observes, decide the next action, record it, do it — until the rollout is
// finished. Every action is safe to repeat, so a control plane killed mid-rollout continues from
// the store on restart: nothing provisioned twice, nothing forgotten (ARCHITECTURE.md).
import { MeridianError } from '../core/errors.js';
import { isTerminalRollout, type RegionPhase } from '../core/domain.js';
import type { RolloutRecord, RolloutRegionRecord } from '../store/rollouts-repo.js';
import type { ReconcilerDeps } from './ports.js';
import { retireNew, runRegion } from './region-pipeline.js';
import { isGated } from './strategies/plan.js';
import { hasStableVersion, strategyStep } from './strategy-runner.js';

const ACTOR = 'reconciler';
const IN_FLIGHT: readonly RegionPhase[] = ['replicating', 'provisioning', 'verifying'];

export class Reconciler {
  /** Per rollout: aborted when a command (promote, pause, abort…) changed its state, to end a wait. */
  private readonly nudges = new Map<number, AbortController>();

  constructor(private readonly d: ReconcilerDeps) {}

  /** Drives rollout `id` to a terminal status and returns it. Resumable at any point. */
  async run(id: number, signal?: AbortSignal): Promise<RolloutRecord> {
    for (;;) {
      signal?.throwIfAborted();
      const r = await this.d.store.rollouts.get(id);
      if (r === undefined) throw new MeridianError('NOT_FOUND', `rollout ${id} does not exist`);
      if (isTerminalRollout(r.status)) return r;
      const nudge = new AbortController();
      this.nudges.set(id, nudge);
      try {
        await this.step(r, signal === undefined ? nudge.signal : AbortSignal.any([signal, nudge.signal]));
      } finally {
        if (this.nudges.get(id) === nudge) this.nudges.delete(id);
      }
    }
  }

  /** Ends any wait of rollout `id` so it looks at its (changed) state again. */
  wake(id: number): void {
    this.nudges.get(id)?.abort();
  }

  /** One decision and its action. */
  private async step(r: RolloutRecord, signal: AbortSignal): Promise<void> {
    const d = this.d;
    if (r.status === 'pending') {
      await d.store.rollouts.setStatus(r.id, 'running', null, ACTOR, `rollout ${r.id} started`);
      return;
    }
    const version = await d.store.models.get(r.model, r.toVersion);
    if (version === undefined) throw new MeridianError('MODEL_NOT_FOUND', `${r.model}:${r.toVersion} is not in the registry`);
    const by = (...phases: RegionPhase[]): RolloutRegionRecord[] => r.regions.filter((x) => phases.includes(x.phase));

    // Regions interrupted mid-way (a crash, or still going): finish them first, together.
    const inFlight = by(...IN_FLIGHT);
    if (inFlight.length > 0) {
      await Promise.all(inFlight.map((x) => runRegion(d, r, x, version.digest, version.golden)));
      return;
    }
    const rollingBack = by('rolling_back');
    if (rollingBack.length > 0) {
      await Promise.all(rollingBack.map((x) => this.returnToPrevious(r, x)));
      return;
    }
    if (r.progress?.abortRequested != null) {
      await this.abort(r, r.progress.abortRequested);
      return;
    }
    const failed = by('failed');
    if (failed.length > 0) {
      await this.onFailure(r, failed);
      return;
    }
    // A verified region whose servers have all died since is a failure of that region too.
    for (const x of by('verified')) {
      const live = d.provider.status({ region: x.region, model: r.model, version: r.toVersion }).filter((s) => s.phase === 'running');
      if (live.length === 0) {
        await d.store.rollouts.setRegionPhase(r.id, x.region, 'failed', { reason: 'every model server of the region died after verification', errorCode: 'REGION_DOWN' }, ACTOR, `${x.region}: model servers died after verification`);
        return;
      }
    }
    const pending = by('pending');
    const gated = isGated(r.strategy);
    // A strategy runs in each wave once its regions are verified; the next wave waits for it.
    const doneWaves = r.progress?.doneWaves ?? 0;
    const waiting = gated ? r.regions.filter((x) => x.wave >= doneWaves && x.phase === 'verified') : [];
    if (waiting.length > 0) {
      const wave = Math.min(...waiting.map((x) => x.wave));
      if (!pending.some((x) => x.wave === wave)) {
        await strategyStep({ d, signal, failWave: (regions, reason, code) => this.failWave(r, regions, reason, code) }, r, wave);
        return;
      }
    }
    if (pending.length > 0) {
      const wave = Math.min(...pending.map((x) => x.wave));
      const regions = pending.filter((x) => x.wave === wave);
      await Promise.all(regions.map((x) => runRegion(d, r, x, version.digest, version.golden)));
      return;
    }
    await this.finish(r);
  }

  /**
   * Analysis failed (or an abort) in a wave: the stable version takes all traffic back at once —
   * recorded and published before anything else — then the regions are marked failed, and the
   * usual failure handling scales the candidate down and applies --on-failure to the others.
   */
  private async failWave(r: RolloutRecord, regions: RolloutRegionRecord[], reason: string, code: string): Promise<void> {
    const d = this.d;
    const started = d.clock.monotonicMs();
    await d.store.rollouts.setProgress(r.id, { stepStartedAt: null, promoteRequested: null, paused: null }, regions.map((x) => ({ region: x.region, candidate: null })), { actor: ACTOR, kind: 'strategy.reverted', message: `${regions.map((x) => x.region).join(', ')}: all traffic back on ${regions[0]?.previousVersion ?? 'the stable version'} (${code})`, ...(r.status === 'paused' ? { status: 'running' as const, reason: null } : {}) });
    await d.republish();
    const revertMs = d.clock.monotonicMs() - started;
    d.logger.log('info', 'strategy.reverted', { rolloutId: r.id, regions: regions.map((x) => x.region), revertMs, code });
    d.observeRevert?.(r.model, code, revertMs / 1000);
    for (const x of regions) {
      await d.store.rollouts.setRegionPhase(r.id, x.region, 'failed', { reason, errorCode: code }, ACTOR, `${x.region}: ${reason}`);
    }
  }

  /** `meridian abort`: every region back on its previous version; the rollout ends as aborted. */
  private async abort(r: RolloutRecord, by: string): Promise<void> {
    // Regions of unfinished waves where the candidate runs beside the stable version.
    const gated = isGated(r.strategy) ? r.regions.filter((x) => x.phase === 'verified' && x.wave >= (r.progress?.doneWaves ?? 0) && hasStableVersion(r, x)) : [];
    if (gated.length > 0) {
      await this.failWave(r, gated, `aborted by ${by}`, 'ABORTED');
      return;
    }
    const failed = r.regions.filter((x) => x.phase === 'failed');
    await this.onFailure(r, failed, { mode: 'rollback', status: 'aborted', reason: `aborted by ${by}` });
  }

  /** All regions verified: the previous versions can go (new is loaded before old is unloaded). */
  private async finish(r: RolloutRecord): Promise<void> {
    for (const x of r.regions) {
      if (x.previousVersion !== null && x.previousVersion !== r.toVersion) await this.d.provider.retire(x.region, r.model, x.previousVersion);
    }
    await this.d.store.rollouts.setStatus(r.id, 'succeeded', null, ACTOR, `${r.model}:${r.toVersion} verified and serving in ${r.regions.map((x) => x.region).join(', ')}`);
  }

  private async onFailure(r: RolloutRecord, failed: RolloutRegionRecord[], how?: { mode: 'rollback'; status: 'aborted'; reason: string }): Promise<void> {
    const d = this.d;
    const aborted = r.progress?.abortRequested != null;
    const mode = aborted ? 'rollback' : (how?.mode ?? r.onFailure);
    const finalStatus = aborted ? 'aborted' : mode === 'halt' ? 'halted' : 'rolled_back';
    const reason = how?.reason ?? (aborted && failed.every((x) => x.errorCode === 'ABORTED') ? `aborted by ${r.progress!.abortRequested!}` : failed.map((x) => `${x.region}: ${x.errorCode ?? 'FAILED'} ${x.reason ?? ''}`.trim()).join('; '));
    for (const x of r.regions.filter((y) => y.phase === 'pending')) {
      await d.store.rollouts.setRegionPhase(r.id, x.region, 'skipped', { reason: aborted ? 'the rollout was aborted' : 'an earlier region failed' }, ACTOR, `${x.region}: skipped (${aborted ? 'aborted' : mode})`);
    }
    for (const x of failed) await retireNew(d, r, x);
    if (mode === 'halt') {
      // Verified regions stay on the new version; their old version can go.
      for (const x of r.regions.filter((y) => y.phase === 'verified' && y.previousVersion !== null && y.previousVersion !== r.toVersion)) {
        await d.provider.retire(x.region, r.model, x.previousVersion!);
      }
      await d.store.rollouts.setStatus(r.id, 'halted', reason, ACTOR, `rollout ${r.id} halted: ${reason}`);
      return;
    }
    const verified = r.regions.filter((y) => y.phase === 'verified');
    for (const x of verified) {
      await d.store.rollouts.setRegionPhase(r.id, x.region, 'rolling_back', {}, ACTOR, `${x.region}: returning to ${x.previousVersion ?? 'no version (first deploy)'}`);
    }
    await Promise.all(verified.map((x) => this.returnToPrevious(r, { ...x, phase: 'rolling_back' })));
    await d.store.rollouts.setStatus(r.id, finalStatus, reason, ACTOR, `rollout ${r.id} ${finalStatus === 'aborted' ? 'aborted' : 'rolled back'}: ${reason}`);
  }

  /** Routes a region back to the version it served before (kept warm until now), then retires the new one. */
  private async returnToPrevious(r: RolloutRecord, x: RolloutRegionRecord): Promise<void> {
    const d = this.d;
    if (x.previousVersion === null) {
      await d.store.rollouts.removePlacement(r.model, x.region, ACTOR, r.id);
    } else if (x.previousVersion !== r.toVersion) {
      const prev = await d.store.models.get(r.model, x.previousVersion);
      if (prev === undefined) throw new MeridianError('MODEL_NOT_FOUND', `${r.model}:${x.previousVersion} is not in the registry`);
      const path = await d.replicator.replicate(x.region, prev.digest);
      await d.provider.provision({ region: x.region, model: r.model, version: x.previousVersion, artifactPath: path, replicas: r.replicas });
      await d.store.rollouts.setPlacement({ model: r.model, region: x.region, version: x.previousVersion, replicas: r.replicas }, ACTOR, r.id);
    }
    await d.republish();
    await retireNew(d, r, x);
    await d.store.rollouts.setRegionPhase(r.id, x.region, 'rolled_back', {}, ACTOR, `${x.region}: back on ${x.previousVersion ?? 'no version'}`);
  }
}
