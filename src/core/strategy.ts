// Release strategies: how a rollout moves traffic from the stable version to the candidate inside
// each wave of regions, and the durable progress the reconciler keeps while it does. The specs are
// what users write (`meridian deploy --strategy canary …`, or a YAML rollout spec); rollout/strategies
// expands them into steps.

/** Overrides of the analysis judges' thresholds (see rollout/analysis: DEFAULT_ANALYSIS). */
export type AnalysisOverrides = Record<string, number>;

export type StrategySpec =
  /** Every region of a wave switches as soon as it is verified (the rollout issue's behaviour). */
  | { type: 'all-at-once' }
  /**
   * Steps of candidate traffic weight (percent of each region's requests) with a bake time each;
   * after each bake the judges compare candidate against baseline on that period. A last step of
   * 100 promotes. Runs per wave: later waves start only after the wave's canary passed.
   */
  | { type: 'canary'; steps: CanaryStep[]; analysis?: AnalysisOverrides; stickyHeader?: string }
  /**
   * Green (the candidate) runs at full capacity beside blue with no traffic; optionally a shadow
   * period first (`shadowPercent` of traffic copied to green); then 100% switches at once. Blue stays
   * warm for `rollbackWindowSeconds`, during which post-promotion analysis switches back on failure.
   */
  | { type: 'blue-green'; shadowPercent: number; shadowSeconds: number; rollbackWindowSeconds: number; analysis?: AnalysisOverrides }
  /**
   * The candidate receives a copy of `percent`% of live traffic for `durationSeconds`; users only get
   * the stable version's answers. Then promoted by hand (`meridian promote`) or, with `autoPromote`,
   * as soon as the analysis passes.
   */
  | { type: 'shadow'; percent: number; durationSeconds: number; autoPromote: boolean; analysis?: AnalysisOverrides };

export type StrategyType = StrategySpec['type'];
export const STRATEGY_TYPES: readonly StrategyType[] = ['all-at-once', 'canary', 'blue-green', 'shadow'];

export interface CanaryStep {
  /** Percent of each region's requests the candidate serves, 0 < weight ≤ 100. */
  weight: number;
  bakeSeconds: number;
}

export const ALL_AT_ONCE: StrategySpec = { type: 'all-at-once' };

/** A strategy expanded into what the reconciler does, one step at a time (strategies/plan.ts). */
export type PlanStep =
  /** The candidate serves `weight` (0..1) of each gated region's requests. */
  | { kind: 'split'; weight: number; bakeMs: number; analyse: boolean }
  /** A copy of `percent`% of requests goes to the candidate; the stable version answers. */
  | { kind: 'mirror'; percent: number; bakeMs: number; analyse: boolean }
  /** The candidate serves everything; the stable version stays warm for `bakeMs` (blue/green). */
  | { kind: 'switch'; bakeMs: number; analyse: boolean }
  /** Hold the current traffic until someone runs `meridian promote`. */
  | { kind: 'await-promote' };

/** Where a rollout's strategy stands; persisted with every change so a restart resumes it. */
export interface StrategyProgress {
  /** The wave whose strategy is running (-1: none yet). */
  wave: number;
  /** Waves whose strategy finished (the candidate serves them fully). */
  doneWaves: number;
  /** Index into the plan's steps. */
  step: number;
  /** When the current step's traffic took effect (ISO); null until it has. The analysis window starts here. */
  stepStartedAt: string | null;
  /** Held by `meridian pause` or an inconclusive analysis; `resume` or `promote` releases it. */
  paused: { reason: string; by: string } | null;
  /** `meridian promote`: leave the current step now, without waiting for bake or analysis. */
  promoteRequested: string | null;
  /** `meridian abort`: return every region to the stable version. */
  abortRequested: string | null;
}

export const INITIAL_PROGRESS: StrategyProgress = { wave: -1, doneWaves: 0, step: 0, stepStartedAt: null, paused: null, promoteRequested: null, abortRequested: null };

/** What the candidate does in one region while a strategy runs (a placement's candidate). */
export interface CandidateTraffic {
  version: string;
  /** Share of the region's requests, 0..1. */
  weight: number;
  /** Percent of the region's requests copied to the candidate (responses discarded). */
  mirrorPercent: number;
  stickyHeader?: string;
}

/** One judge's answer, as recorded and shown by `meridian analysis`. */
export interface JudgeVerdictRecord {
  judge: string;
  result: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  measured: Record<string, number | null>;
  thresholds: Record<string, number>;
  samples: { candidate: number; baseline: number };
}

/** One analysis of one region at the end of (or during) a step. */
export interface AnalysisRun {
  id: number;
  rolloutId: number;
  wave: number;
  step: number;
  /** e.g. "canary 25%", "shadow 10%", "blue/green post-promotion". */
  stepLabel: string;
  region: string;
  result: 'pass' | 'fail' | 'inconclusive';
  /** Analysis window (ISO). */
  from: string;
  to: string;
  verdicts: JudgeVerdictRecord[];
  createdAt: string;
}
