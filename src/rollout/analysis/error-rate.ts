// error-rate: does the candidate fail requests?
import type { AnalysisConfig } from './config.js';
import { pct } from './format.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/**
 * Failures needed before the judge may fail a candidate on fewer than minErrorSamples requests. A
 * hung or crashing candidate gets few requests — the router ejects it after a few timeouts, as it
 * should for users — and the analysis must not be starved into "inconclusive" by that.
 */
const MIN_ERRORS_TO_FAIL_EARLY = 5;
/** One-sided 99% normal quantile for the Wilson lower bound. */
const Z_99 = 2.326;

/** Lower end of the Wilson score interval of a proportion (sound for small n, unlike p ± z·se). */
export function wilsonLower(failures: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = failures / n;
  const z2 = z * z;
  return Math.max(0, (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

/** Server-side failures: 5xx, including the router's 502 (connection error) and 504 (timeout). */
function isError(s: AnalysisSample): boolean {
  return s.status >= 500;
}

/**
 * The share of candidate requests that failed (status ≥ 500). Fails when it is above
 * maxErrorRate, or above the baseline's rate by more than maxErrorRateIncrease. Inconclusive below
 * minErrorSamples candidate requests — unless it already failed at least 5 and even the lower
 * end of the 99% Wilson interval of its error rate is above maxErrorRate (sure enough to fail it
 * now) — and when only the comparison with the baseline could fail it but the baseline has too few
 * requests. Client errors (4xx) are the caller's, not the model's.
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
    measured: { candidateErrorRate: Number.isNaN(cRate) ? null : cRate, candidateErrorRateLower99: wilsonLower(cErrors, candidate.length, Z_99), baselineErrorRate: Number.isNaN(bRate) ? null : bRate, candidateErrors: cErrors, baselineErrors: bErrors },
    thresholds: { maxErrorRate: c.maxErrorRate, maxErrorRateIncrease: c.maxErrorRateIncrease, minErrorSamples: c.minErrorSamples },
    samples: { candidate: candidate.length, baseline: baseline.length },
  });
  const cText = `candidate error rate ${pct(cRate)} (${cErrors}/${candidate.length})`;
  if (candidate.length < c.minErrorSamples) {
    const lower = wilsonLower(cErrors, candidate.length, Z_99);
    if (cErrors >= MIN_ERRORS_TO_FAIL_EARLY && lower > c.maxErrorRate) {
      return verdict('fail', `${cText} > ${pct(c.maxErrorRate)}: only ${candidate.length} requests, but ${cErrors} failures put even the 99% lower bound at ${pct(lower)}`);
    }
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
