// Which samples and which judges a strategy step is judged on. A canary step compares the
// candidate's share with the stable version's share in the same region and period; a shadow step
// compares the candidate's mirror copies with the answers users got to the very same requests; a
// blue/green switch compares green now with blue just before the switch.
import type { AnalysisOverrides, JudgeVerdictRecord, PlanStep } from '../core/strategy.js';
import type { AnalysisSample } from './analysis/types.js';
import { judgeAll, judgeErrorRate, judgeLatencyP99, overall } from './analysis/judges.js';
import { resolveAnalysis } from './analysis/config.js';

/** Samples from the first moments of a step may predate the routers' new table: skip them. */
export const SETTLE_MS = 300;


export interface StepJudgement {
  result: 'pass' | 'fail' | 'inconclusive';
  /** The failing (or undecided) judges' reasons, joined. */
  reason: string;
  verdicts: JudgeVerdictRecord[];
}

export interface StepJudgeInput {
  kind: Exclude<PlanStep['kind'], 'await-promote'>;
  samples: readonly AnalysisSample[];
  region: string;
  candidate: string;
  baseline: string;
  from: number;
  to: number;
  baselineFrom: number;
  baselineTo: number;
  overrides: AnalysisOverrides | undefined;
  mode: 'early' | 'final';
}

export function judgeStep(i: StepJudgeInput): StepJudgement {
  const inRegion = i.samples.filter((s) => s.region === i.region);
  const mirror = i.kind === 'mirror';
  const candidate = inRegion.filter((s) => s.version === i.candidate && s.mirror === mirror && s.time >= i.from + SETTLE_MS && s.time <= i.to);
  const baseline = inRegion.filter((s) => s.version === i.baseline && !s.mirror && s.time >= i.baselineFrom && s.time <= i.baselineTo);
  // During a bake only the threshold judges may fail a step early (errors, hangs, a p99 blown);
  // the statistical ones wait for the whole period, so repeated looks do not inflate false alarms.
  let verdicts: JudgeVerdictRecord[];
  if (i.mode === 'early') {
    const c = resolveAnalysis(i.overrides);
    verdicts = [judgeErrorRate(candidate, baseline, c), judgeLatencyP99(candidate, baseline, c)];
  } else {
    verdicts = judgeAll(candidate, baseline, i.overrides ?? {});
    if (!mirror) verdicts = verdicts.filter((v) => v.judge !== 'shadow-agreement');
  }
  const result = overall(verdicts);
  const notable = verdicts.filter((v) => v.result === result && result !== 'pass');
  const reason = result === 'pass' ? `all ${verdicts.length} judges passed` : notable.map((v) => `${v.judge}: ${v.reason}`).join('; ');
  return { result, reason, verdicts };
}
