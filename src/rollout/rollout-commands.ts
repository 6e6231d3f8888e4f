// What `meridian promote|pause|resume|abort` record. Each command only patches its own fields of
// the rollout's strategy progress (and its status); the reconciler, woken by the control plane,
// acts on them at its next decision.
import { MeridianError } from '../core/errors.js';
import { INITIAL_PROGRESS, type StrategyProgress } from '../core/strategy.js';
import type { Rollout } from '../core/domain.js';
import type { Store } from '../store/store.js';
import type { RolloutCommand } from './service.js';
import { isGated } from './strategies/plan.js';

/** Checks that `command` applies to rollout `r` (not yet ended: the caller checks) and records it, by `by`. */
export async function recordRolloutCommand(store: Store, r: Rollout, command: RolloutCommand, by: string): Promise<void> {
  const p: StrategyProgress = r.progress ?? { ...INITIAL_PROGRESS };
  const strategyOnly = (): void => {
    if (!isGated(r.strategy)) throw new MeridianError('NOT_A_STRATEGY_ROLLOUT', `rollout ${r.id} is all-at-once: it has no steps to ${command}; \`meridian abort ${r.id}\` returns its regions to the previous version`);
  };
  const set = async (patch: Partial<StrategyProgress>, message: string, status?: 'running' | 'paused', reason?: string | null): Promise<void> => {
    await store.rollouts.setProgress(r.id, patch, [], { actor: by, kind: `rollout.${command}`, message, ...(status !== undefined ? { status, reason: reason ?? null } : {}) });
  };
  switch (command) {
    case 'promote':
      strategyOnly();
      await set({ promoteRequested: by, paused: null }, `rollout ${r.id}: promote requested by ${by}`, r.status === 'paused' ? 'running' : undefined);
      break;
    case 'pause':
      strategyOnly();
      if (p.paused !== null) throw new MeridianError('ROLLOUT_PAUSED', `rollout ${r.id} is already paused: ${p.paused.reason}`);
      await set({ paused: { reason: `paused by ${by}`, by } }, `rollout ${r.id} paused by ${by}`, 'paused', `paused by ${by}`);
      break;
    case 'resume':
      strategyOnly();
      if (p.paused === null) throw new MeridianError('ROLLOUT_NOT_PAUSED', `rollout ${r.id} is not paused`);
      // The step starts over: its bake and analysis window begin now.
      await set({ paused: null, stepStartedAt: null }, `rollout ${r.id} resumed by ${by}`, 'running');
      break;
    case 'abort':
      if (p.abortRequested !== null) break;
      await set({ abortRequested: by, paused: null }, `rollout ${r.id}: abort requested by ${by}; returning every region to its previous version`, r.status === 'paused' ? 'running' : undefined);
      break;
  }
}
