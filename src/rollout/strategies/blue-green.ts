// Blue/green: green (the candidate) is verified at full capacity beside blue without traffic; an
// optional shadow period copies live requests to it first; then everything switches at once. Blue
// stays warm for the rollback window, while post-promotion analysis judges green against what blue
// did just before the switch, and switches back on failure.
import type { PlanStep, StrategySpec } from '../../core/strategy.js';

/**
 * Without a shadow period, blue is measured this long (every request recorded, green warm beside
 * it without traffic) before the switch, so post-promotion analysis has a baseline to compare
 * green with: routers record only a small share of requests while nothing is analysed.
 */
export const BLUE_BASELINE_MS = 15_000;

export function blueGreenSteps(s: Extract<StrategySpec, { type: 'blue-green' }>): PlanStep[] {
  const steps: PlanStep[] = [];
  if (s.shadowPercent > 0) steps.push({ kind: 'mirror', percent: s.shadowPercent, bakeMs: s.shadowSeconds * 1000, analyse: true });
  else if (s.rollbackWindowSeconds > 0) steps.push({ kind: 'split', weight: 0, bakeMs: BLUE_BASELINE_MS, analyse: false });
  steps.push({ kind: 'switch', bakeMs: s.rollbackWindowSeconds * 1000, analyse: s.rollbackWindowSeconds > 0 });
  return steps;
}
