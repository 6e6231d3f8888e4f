// latency-p99: is the candidate's tail latency within budget?
import type { AnalysisConfig } from './config.js';
import { finiteOrNull, ms } from './format.js';
import { isSuccess } from './predictions.js';
import { nearestRank, sorted } from './stats.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/**
 * The candidate's 99th-percentile latency (nearest rank) over its successful requests, against the
 * absolute budget maxP99Ms. Failed requests are error-rate's to judge: a timeout's latency is the
 * router's deadline, not the model's. When the stable version is over the budget too (with enough
 * samples of its own), the machine or the traffic is slow, not the candidate: then it fails only if
 * its p99 is also above the baseline's by more than minLatencyShiftRatio. Inconclusive below
 * minP99Samples successful candidate requests.
 */
export function judgeLatencyP99(candidate: readonly AnalysisSample[], baseline: readonly AnalysisSample[], c: AnalysisConfig): JudgeVerdict {
  const cLat = sorted(candidate.filter(isSuccess).map((s) => s.latencyMs));
  const bLat = sorted(baseline.filter(isSuccess).map((s) => s.latencyMs));
  const cP99 = nearestRank(cLat, 0.99);
  const bP99 = nearestRank(bLat, 0.99);
  const verdict = (result: JudgeVerdict['result'], reason: string): JudgeVerdict => ({
    judge: 'latency-p99',
    result,
    reason,
    measured: { candidateP99Ms: finiteOrNull(cP99), baselineP99Ms: finiteOrNull(bP99) },
    thresholds: { maxP99Ms: c.maxP99Ms, minP99Samples: c.minP99Samples, minLatencyShiftRatio: c.minLatencyShiftRatio },
    samples: { candidate: cLat.length, baseline: bLat.length },
  });
  if (cLat.length < c.minP99Samples) return verdict('inconclusive', `only ${cLat.length} successful candidate requests; need ${c.minP99Samples} for a p99`);
  const context = bLat.length > 0 ? ` (baseline ${ms(bP99)})` : '';
  if (cP99 > c.maxP99Ms) {
    const everyoneSlow = bLat.length >= c.minP99Samples && bP99 > c.maxP99Ms;
    const allowed = bP99 * (1 + c.minLatencyShiftRatio);
    if (everyoneSlow && cP99 <= allowed) {
      return verdict('pass', `candidate p99 latency ${ms(cP99)} is over ${ms(c.maxP99Ms)}, but so is the baseline's ${ms(bP99)}, and the candidate's is within ${Math.round(c.minLatencyShiftRatio * 100)}% of it`);
    }
    return verdict('fail', `candidate p99 latency ${ms(cP99)} > ${ms(c.maxP99Ms)}${context}`);
  }
  return verdict('pass', `candidate p99 latency ${ms(cP99)} ≤ ${ms(c.maxP99Ms)}${context}`);
}
