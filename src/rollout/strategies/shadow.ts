// Shadow: the candidate receives a copy of a share of live requests; users only ever get the stable
// version's answers. The judges compare the two answers to the very same requests. Then a person
// promotes (or, with autoPromote, a pass promotes at once).
import type { PlanStep, StrategySpec } from '../../core/strategy.js';

export function shadowSteps(s: Extract<StrategySpec, { type: 'shadow' }>): PlanStep[] {
  const steps: PlanStep[] = [{ kind: 'mirror', percent: s.percent, bakeMs: s.durationSeconds * 1000, analyse: true }];
  if (!s.autoPromote) steps.push({ kind: 'await-promote' });
  return steps;
}
