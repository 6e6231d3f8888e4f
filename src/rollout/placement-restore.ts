// What a starting control plane does for regions no unfinished rollout is changing: brings each
// back to its recorded placement. The provider adopts replicas a previous control plane left
// running and starts the missing ones; a placement that cannot be restored is logged, not fatal
// (the others still come back, and the region's health shows it).
import { messageOf } from '../core/errors.js';
import type { Rollout } from '../core/domain.js';
import type { ReconcilerDeps } from './ports.js';

export async function restorePlacements(o: Pick<ReconcilerDeps, 'store' | 'replicator' | 'provider' | 'logger'>, active: readonly Rollout[]): Promise<void> {
  // Regions an active rollout is working on are left to it: it resumes from its own record.
  const busy = new Set(active.flatMap((r) => r.regions.map((x) => `${r.model}/${x.region}`)));
  const placements = (await o.store.rollouts.placements()).filter((p) => !busy.has(`${p.model}/${p.region}`));
  const restored = await Promise.allSettled(
    placements.map(async (p) => {
      const v = await o.store.models.get(p.model, p.version);
      if (v === undefined) return;
      const path = await o.replicator.replicate(p.region, v.digest);
      await o.provider.provision({ region: p.region, model: p.model, version: p.version, artifactPath: path, replicas: p.replicas });
    }),
  );
  restored.forEach((r, i) => {
    if (r.status === 'rejected') o.logger.log('error', 'placement.restore_failed', { ...placements[i], error: messageOf(r.reason) });
  });
}
