// latency-mann-whitney: is the candidate slower than the baseline, by enough to matter?
import type { AnalysisConfig } from './config.js';
import { finiteOrNull, ms, num, pct } from './format.js';
import { isSuccess } from './predictions.js';
import { hodgesLehmannShift, mannWhitneyGreater, medianOfSorted, sorted } from './stats.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/**
 * Fails when the candidate's latencies are stochastically greater than the baseline's — a one-sided
 * Mann–Whitney U test significant at latencyConfidence — AND the typical slowdown, the
 * Hodges–Lehmann shift (median of all candidate − baseline differences), is at least
 * minLatencyShiftMs and at least minLatencyShiftRatio of the baseline median.
 *
 * Why Mann–Whitney: latency is skewed and heavy-tailed, so a t-test's normality does not hold; a
 * rank test compares whole distributions and one slow outlier cannot dominate it. Netflix's Kayenta
 * judges canary metrics the same way. Why the effect-size guard: with thousands of requests a
 * 0.1 ms difference is "significant"; a user only notices a shift of some milliseconds and some
 * percent. Successful requests only, on both sides. Inconclusive below minLatencySamples a side.
 */
export function judgeLatencyMannWhitney(candidate: readonly AnalysisSample[], baseline: readonly AnalysisSample[], c: AnalysisConfig): JudgeVerdict {
  const cLat = sorted(candidate.filter(isSuccess).map((s) => s.latencyMs));
  const bLat = sorted(baseline.filter(isSuccess).map((s) => s.latencyMs));
  const enough = cLat.length >= c.minLatencySamples && bLat.length >= c.minLatencySamples;
  const test = enough ? mannWhitneyGreater(cLat, bLat) : undefined;
  const shift = enough ? hodgesLehmannShift(cLat, bLat) : NaN;
  const cMedian = medianOfSorted(cLat);
  const bMedian = medianOfSorted(bLat);
  const verdict = (result: JudgeVerdict['result'], reason: string): JudgeVerdict => ({
    judge: 'latency-mann-whitney',
    result,
    reason,
    measured: {
      pValue: finiteOrNull(test?.pGreater ?? NaN),
      u: finiteOrNull(test?.u ?? NaN),
      z: finiteOrNull(test?.z ?? NaN),
      shiftMs: finiteOrNull(shift),
      candidateMedianMs: finiteOrNull(cMedian),
      baselineMedianMs: finiteOrNull(bMedian),
    },
    thresholds: { latencyConfidence: c.latencyConfidence, minLatencyShiftMs: c.minLatencyShiftMs, minLatencyShiftRatio: c.minLatencyShiftRatio, minLatencySamples: c.minLatencySamples },
    samples: { candidate: cLat.length, baseline: bLat.length },
  });
  if (test === undefined) {
    return verdict('inconclusive', `only ${cLat.length} candidate and ${bLat.length} baseline successful requests; need ${c.minLatencySamples} of each`);
  }
  const alpha = 1 - c.latencyConfidence;
  const significant = test.pGreater < alpha;
  const minShift = Math.max(c.minLatencyShiftMs, c.minLatencyShiftRatio * bMedian);
  const medians = `median ${ms(cMedian)} vs ${ms(bMedian)}`;
  const shiftText = `${shift >= 0 ? '+' : ''}${ms(shift)}`;
  if (significant && shift >= minShift) {
    return verdict(
      'fail',
      `candidate is slower: ${medians}, shift ${shiftText} ≥ ${ms(minShift)} (${ms(c.minLatencyShiftMs)} or ${pct(c.minLatencyShiftRatio)} of the baseline median); one-sided Mann–Whitney p = ${num(test.pGreater)} < ${num(alpha)}`,
    );
  }
  if (significant) return verdict('pass', `candidate is slower by only ${shiftText} (${medians}, p = ${num(test.pGreater)}), under the ${ms(minShift)} that matters`);
  return verdict('pass', `no evidence the candidate is slower: one-sided Mann–Whitney p = ${num(test.pGreater)} ≥ ${num(alpha)} (${medians}, shift ${shiftText})`);
}
