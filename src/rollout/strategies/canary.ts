// Canary: the candidate takes a growing share of each region's requests; every step below 100%
// bakes, then the judges compare candidate and baseline on that same period. 100% promotes.
import type { PlanStep, StrategySpec } from '../../core/strategy.js';

export function canarySteps(s: Extract<StrategySpec, { type: 'canary' }>): PlanStep[] {
  return s.steps.filter((x) => x.weight < 100).map((x) => ({ kind: 'split', weight: x.weight / 100, bakeMs: x.bakeSeconds * 1000, analyse: true }));
}
