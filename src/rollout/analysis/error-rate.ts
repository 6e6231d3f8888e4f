// error-rate: does the candidate fail requests?
import type { AnalysisConfig } from './config.js';
import { pct } from './format.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/** Server-side failures: 5xx, including the router's 502 (connection error) and 504 (timeout). */
function isError(s: AnalysisSample): boolean {
  return s.status >= 500;
}

/**
 * The share of candidate requests that failed (status ≥ 500). Fails when it is above
 * maxErrorRate, or above the baseline's rate by more than maxErrorRateIncrease. Inconclusive below
 * minErrorSamples candidate requests, and when only the comparison with the baseline could fail
 * it but the baseline has too few requests. Client errors (4xx) are the caller's, not the model's.
 */
export function judgeErrorRate(candidate: readonly AnalysisSample[], baseline: readonly AnalysisSample[], c: AnalysisConfig): JudgeVerdict {
  const cErrors = candidate.filter(isError).length;
  const bErrors = baseline.filter(isError).length;
  const cRate = candidate.length > 0 ? cErrors / candidate.length : NaN;
  const bRate = baseline.length > 0 ? bErrors / baseline.length : NaN;
  const verdict = (result: JudgeVerdict['result'], reason: string): JudgeVerdict => ({
    judge: 'error-rate',
    result,
    reason,
    measured: { candidateErrorRate: Number.isNaN(cRate) ? null : cRate, baselineErrorRate: Number.isNaN(bRate) ? null : bRate, candidateErrors: cErrors, baselineErrors: bErrors },
    thresholds: { maxErrorRate: c.maxErrorRate, maxErrorRateIncrease: c.maxErrorRateIncrease, minErrorSamples: c.minErrorSamples },
    samples: { candidate: candidate.length, baseline: baseline.length },
  });
  const cText = `candidate error rate ${pct(cRate)} (${cErrors}/${candidate.length})`;
  if (candidate.length < c.minErrorSamples) {
    return verdict('inconclusive', `only ${candidate.length} candidate requests (${cErrors} failed); need ${c.minErrorSamples}`);
  }
  if (cRate > c.maxErrorRate) return verdict('fail', `${cText} > ${pct(c.maxErrorRate)}`);
  // The increase check can only fail when the candidate's rate exceeds the allowed increase itself.
  if (cRate > c.maxErrorRateIncrease) {
    if (baseline.length < c.minErrorSamples) {
      return verdict('inconclusive', `${cText} is within ${pct(c.maxErrorRate)}, but only ${baseline.length} baseline requests to compare it with; need ${c.minErrorSamples}`);
    }
    if (cRate - bRate > c.maxErrorRateIncrease) {
      return verdict('fail', `${cText} exceeds the baseline's ${pct(bRate)} (${bErrors}/${baseline.length}) by more than ${pct(c.maxErrorRateIncrease)}`);
    }
  }
  const vsBaseline = baseline.length > 0 ? `; baseline ${pct(bRate)} (${bErrors}/${baseline.length})` : '';
  return verdict('pass', `${cText} ≤ ${pct(c.maxErrorRate)}${vsBaseline}`);
}
