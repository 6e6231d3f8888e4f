// A strategy spec expanded into the steps the reconciler walks through, per wave. After the last
// step the candidate takes the wave's regions over completely (placement switches, old retires).
import type { CandidateTraffic, PlanStep, StrategySpec } from '../../core/strategy.js';
import { blueGreenSteps } from './blue-green.js';
import { canarySteps } from './canary.js';
import { shadowSteps } from './shadow.js';

export function planSteps(s: StrategySpec): PlanStep[] {
  switch (s.type) {
    case 'all-at-once':
      return [];
    case 'canary':
      return canarySteps(s);
    case 'blue-green':
      return blueGreenSteps(s);
    case 'shadow':
      return shadowSteps(s);
  }
}

/** Whether verified regions wait for the strategy instead of switching at once. */
export function isGated(s: StrategySpec): boolean {
  return s.type !== 'all-at-once';
}

/** How a step reads in events and `meridian analysis`. */
export function stepLabel(step: PlanStep | undefined, s: StrategySpec): string {
  if (step === undefined) return 'promotion';
  switch (step.kind) {
    case 'split':
      return step.weight === 0 ? 'blue/green: measuring blue before the switch' : `canary ${round(step.weight * 100)}%`;
    case 'mirror':
      return `${s.type === 'blue-green' ? 'blue/green pre-promotion shadow' : 'shadow'} ${step.percent}%`;
    case 'switch':
      return 'blue/green post-promotion';
    case 'await-promote':
      return 'waiting for promote';
  }
}

/** The candidate traffic a step puts in each gated region (the step before it for await-promote). */
export function trafficOf(step: PlanStep | undefined, previous: PlanStep | undefined, version: string, s: StrategySpec): CandidateTraffic {
  const sticky = s.type === 'canary' && s.stickyHeader !== undefined ? { stickyHeader: s.stickyHeader } : {};
  const t = step?.kind === 'await-promote' ? previous : step;
  if (t === undefined || t.kind === 'await-promote') return { version, weight: 0, mirrorPercent: 0, ...sticky };
  switch (t.kind) {
    case 'split':
      return { version, weight: t.weight, mirrorPercent: 0, ...sticky };
    case 'mirror':
      return { version, weight: 0, mirrorPercent: t.percent };
    case 'switch':
      return { version, weight: 1, mirrorPercent: 0 };
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
