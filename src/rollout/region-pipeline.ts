// One region's way through a rollout: replicating → provisioning → verifying → verified (or
// failed). Each phase is recorded before its action runs, and every action is idempotent, so after
// a crash the region simply runs its recorded phase again.
import { MeridianError, messageOf } from '../core/errors.js';
import type { RegionPhase } from '../core/domain.js';
import type { RolloutRecord, RolloutRegionRecord } from '../store/rollouts-repo.js';
import type { ReconcilerDeps } from './ports.js';
import { isGated } from './strategies/plan.js';
import { hasStableVersion } from './strategy-runner.js';

const ACTOR = 'reconciler';

export async function runRegion(d: ReconcilerDeps, r: RolloutRecord, region: RolloutRegionRecord, digest: string, golden: unknown[]): Promise<'verified' | 'failed'> {
  const set = (phase: RegionPhase, message: string, extra: Parameters<typeof d.store.rollouts.setRegionPhase>[3] = {}): Promise<void> =>
    d.store.rollouts.setRegionPhase(r.id, region.region, phase, extra, ACTOR, `${region.region}: ${message}`);
  const ref = `${r.model}:${r.toVersion}`;
  let phase = region.phase;
  try {
    if (phase === 'pending') {
      await set('replicating', `copying ${ref} (sha256 ${digest.slice(0, 12)}) into the region's artifact store`, { started: true });
      phase = 'replicating';
    }
    // Replication is idempotent and cheap when the verified copy is there; provisioning needs its path.
    const artifactPath = await d.replicator.replicate(region.region, digest);
    if (phase === 'replicating') {
      await set('provisioning', `artifact verified; starting ${r.replicas} model server(s) across the region's zones`);
      phase = 'provisioning';
    }
    if (phase === 'provisioning') {
      await d.provider.provision({ region: region.region, model: r.model, version: r.toVersion, artifactPath, replicas: r.replicas });
      await set('verifying', 'model servers ready; checking readiness, golden examples and latency');
      phase = 'verifying';
    }
    const replicas = d.provider.status({ region: region.region, model: r.model, version: r.toVersion });
    const dead = replicas.filter((x) => x.phase !== 'running');
    if (replicas.length === 0 || dead.length > 0) {
      throw new MeridianError('PROVISION_FAILED', `model servers not running: ${dead.map((x) => `${x.id} (${x.phase})`).join(', ') || 'none started'}`);
    }
    const result = await d.verifier.verify({ region: region.region, model: r.model, version: r.toVersion, replicas: replicas.map((x) => ({ id: x.id, url: x.url })), golden });
    if (!result.ok) {
      await retireNew(d, r, region);
      await set('failed', `verification failed: ${result.reason ?? 'see checks'}`, { reason: result.reason ?? 'verification failed', errorCode: 'VERIFICATION_FAILED', checks: result.checks });
      return 'failed';
    }
    // Only a verified region takes traffic: placement first, then tell the routers, then record.
    // Under a release strategy the candidate only joins the stable version here, without traffic;
    // the strategy moves traffic step by step.
    if (isGated(r.strategy) && hasStableVersion(r, region)) {
      await d.store.rollouts.setCandidate(r.model, region.region, { version: r.toVersion, weight: 0, mirrorPercent: 0 }, ACTOR, r.id, `${region.region}: ${ref} verified beside ${region.previousVersion}, no traffic yet (${r.strategy.type})`);
      await d.republish();
      await set('verified', `verified; ${r.strategy.type} decides its traffic`, { checks: result.checks });
      return 'verified';
    }
    await d.store.rollouts.setPlacement({ model: r.model, region: region.region, version: r.toVersion, replicas: r.replicas }, ACTOR, r.id);
    await d.republish();
    await set('verified', `verified; routing ${ref} here`, { checks: result.checks });
    return 'verified';
  } catch (e) {
    const code = e instanceof MeridianError ? e.code : 'INTERNAL';
    await retireNew(d, r, region).catch(() => undefined);
    await set('failed', `${phase} failed: ${messageOf(e)}`, { reason: messageOf(e), errorCode: code });
    return 'failed';
  }
}

/** Stops the new version's replicas in a region — unless that version is what the region served before. */
export async function retireNew(d: ReconcilerDeps, r: RolloutRecord, region: RolloutRegionRecord): Promise<void> {
  if (region.previousVersion === r.toVersion) return;
  await d.provider.retire(region.region, r.model, r.toVersion);
}
