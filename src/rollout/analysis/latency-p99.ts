// latency-p99: is the candidate's tail latency within budget?
import type { AnalysisConfig } from './config.js';
import { finiteOrNull, ms } from './format.js';
import { isSuccess } from './predictions.js';
import { nearestRank, sorted } from './stats.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/**
 * The candidate's 99th-percentile latency (nearest rank) over its successful requests, against the
 * absolute budget maxP99Ms. Failed requests are error-rate's to judge: a timeout's latency is the
 * router's deadline, not the model's. The baseline's p99 is reported for context only. Inconclusive
 * below minP99Samples successful candidate requests.
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
    thresholds: { maxP99Ms: c.maxP99Ms, minP99Samples: c.minP99Samples },
    samples: { candidate: cLat.length, baseline: bLat.length },
  });
  if (cLat.length < c.minP99Samples) return verdict('inconclusive', `only ${cLat.length} successful candidate requests; need ${c.minP99Samples} for a p99`);
  const context = bLat.length > 0 ? ` (baseline ${ms(bP99)})` : '';
  if (cP99 > c.maxP99Ms) return verdict('fail', `candidate p99 latency ${ms(cP99)} > ${ms(c.maxP99Ms)}${context}`);
  return verdict('pass', `candidate p99 latency ${ms(cP99)} ≤ ${ms(c.maxP99Ms)}${context}`);
}
