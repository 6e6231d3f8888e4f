// The judges together: judgeAll runs every judge on one candidate/baseline comparison; overall
// folds their verdicts into one. Each judge lives in its own file with its meaning documented.
import { resolveAnalysis, type AnalysisOverrides } from './config.js';
import { judgeErrorRate } from './error-rate.js';
import { judgeLatencyMannWhitney } from './latency-mann-whitney.js';
import { judgeLatencyP99 } from './latency-p99.js';
import { judgeOutputShift } from './output-shift.js';
import { judgeShadowAgreement } from './shadow-agreement.js';
import type { AnalysisSample, JudgeVerdict, VerdictResult } from './types.js';

export { judgeErrorRate, judgeLatencyMannWhitney, judgeLatencyP99, judgeOutputShift, judgeShadowAgreement };

/**
 * Every judge's verdict on `candidate` against `baseline`, in a fixed order: error-rate,
 * latency-p99, latency-mann-whitney, output-shift, shadow-agreement. The caller picks the samples
 * (region, period, mirror copies or not) and drops judges its step cannot feed — a canary has no
 * mirror pairs, so its shadow-agreement is always inconclusive.
 *
 * @throws MeridianError INVALID_ARGUMENT for an unknown threshold name or a value out of range
 *   (resolveAnalysis); validate rollout specs with resolveAnalysis when they are submitted.
 */
export function judgeAll(candidate: readonly AnalysisSample[], baseline: readonly AnalysisSample[], overrides: AnalysisOverrides = {}): JudgeVerdict[] {
  const c = resolveAnalysis(overrides);
  return [
    judgeErrorRate(candidate, baseline, c),
    judgeLatencyP99(candidate, baseline, c),
    judgeLatencyMannWhitney(candidate, baseline, c),
    judgeOutputShift(candidate, baseline, c),
    judgeShadowAgreement(candidate, baseline, c),
  ];
}

/** fail if any judge failed; else inconclusive if any was; else pass. No verdicts: inconclusive (nothing was judged). */
export function overall(verdicts: readonly Pick<JudgeVerdict, 'result'>[]): VerdictResult {
  if (verdicts.some((v) => v.result === 'fail')) return 'fail';
  if (verdicts.length === 0 || verdicts.some((v) => v.result === 'inconclusive')) return 'inconclusive';
  return 'pass';
}
