// The rollout reconciler: from what the store records (desired rollout, per-region phases) and
// what the provider observes, decide the next action, record it, do it — until the rollout is
// finished. Every action is safe to repeat, so a control plane killed mid-rollout continues from
// the store on restart: nothing provisioned twice, nothing forgotten (ARCHITECTURE.md).
import { MeridianError } from '../core/errors.js';
import { isTerminalRollout, type RegionPhase } from '../core/domain.js';
import type { RolloutRecord, RolloutRegionRecord } from '../store/rollouts-repo.js';
import type { ReconcilerDeps } from './ports.js';
import { retireNew, runRegion } from './region-pipeline.js';

const ACTOR = 'reconciler';
const IN_FLIGHT: readonly RegionPhase[] = ['replicating', 'provisioning', 'verifying'];

export class Reconciler {
  constructor(private readonly d: ReconcilerDeps) {}

  /** Drives rollout `id` to a terminal status and returns it. Resumable at any point. */
  async run(id: number, signal?: AbortSignal): Promise<RolloutRecord> {
    for (;;) {
      signal?.throwIfAborted();
      const r = await this.d.store.rollouts.get(id);
      if (r === undefined) throw new MeridianError('NOT_FOUND', `rollout ${id} does not exist`);
      if (isTerminalRollout(r.status)) return r;
      await this.step(r);
    }
  }

  /** One decision and its action. */
  private async step(r: RolloutRecord): Promise<void> {
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
    if (pending.length > 0) {
      const wave = Math.min(...pending.map((x) => x.wave));
      const regions = pending.filter((x) => x.wave === wave);
      await Promise.all(regions.map((x) => runRegion(d, r, x, version.digest, version.golden)));
      return;
    }
    await this.finish(r);
  }

  /** All regions verified: the previous versions can go (new is loaded before old is unloaded). */
  private async finish(r: RolloutRecord): Promise<void> {
    for (const x of r.regions) {
      if (x.previousVersion !== null && x.previousVersion !== r.toVersion) await this.d.provider.retire(x.region, r.model, x.previousVersion);
    }
    await this.d.store.rollouts.setStatus(r.id, 'succeeded', null, ACTOR, `${r.model}:${r.toVersion} verified and serving in ${r.regions.map((x) => x.region).join(', ')}`);
  }

  private async onFailure(r: RolloutRecord, failed: RolloutRegionRecord[]): Promise<void> {
    const d = this.d;
    const reason = failed.map((x) => `${x.region}: ${x.errorCode ?? 'FAILED'} ${x.reason ?? ''}`.trim()).join('; ');
    for (const x of r.regions.filter((y) => y.phase === 'pending')) {
      await d.store.rollouts.setRegionPhase(r.id, x.region, 'skipped', { reason: 'an earlier region failed' }, ACTOR, `${x.region}: skipped (${r.onFailure})`);
    }
    for (const x of failed) await retireNew(d, r, x);
    if (r.onFailure === 'halt') {
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
    await d.store.rollouts.setStatus(r.id, 'rolled_back', reason, ACTOR, `rollout ${r.id} rolled back: ${reason}`);
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
