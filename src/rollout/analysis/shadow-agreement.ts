// shadow-agreement: on the very same requests, does the candidate answer as the baseline did?
import type { AnalysisConfig } from './config.js';
import { finiteOrNull, num, pct } from './format.js';
import { isSuccess, predictionsOf } from './predictions.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/**
 * Pairs each candidate answer with the baseline's answer to the same request (by requestId: a
 * mirrored copy and the primary it copied) and compares them row by row: the share of rows with
 * the same top class (fails below minAgreement) and the mean absolute difference of the paired
 * score values (fails above maxScoreDiff). Only pairs where both answered count; failed copies are
 * error-rate's to judge. Inconclusive below minShadowPairs pairs; `samples` counts pairs.
 */
export function judgeShadowAgreement(candidate: readonly AnalysisSample[], baseline: readonly AnalysisSample[], c: AnalysisConfig): JudgeVerdict {
  const primaries = new Map<string, AnalysisSample>();
  for (const s of baseline) if (s.requestId !== undefined && !s.mirror && isSuccess(s)) primaries.set(s.requestId, s);
  let pairs = 0;
  let rows = 0;
  let agreeing = 0;
  let diffSum = 0;
  let diffCount = 0;
  for (const s of candidate) {
    const primary = s.requestId === undefined ? undefined : primaries.get(s.requestId);
    if (primary === undefined || !isSuccess(s)) continue;
    const a = predictionsOf(s);
    const b = predictionsOf(primary);
    const labelRows = Math.min(a.labels.length, b.labels.length);
    if (labelRows === 0) continue;
    pairs++;
    rows += labelRows;
    for (let r = 0; r < labelRows; r++) if (a.labels[r] === b.labels[r]) agreeing++;
    for (let r = 0; r < Math.min(a.scores.length, b.scores.length); r++) {
      const x = a.scores[r]!;
      const y = b.scores[r]!;
      if (x.length !== y.length) continue;
      for (let k = 0; k < x.length; k++) diffSum += Math.abs(x[k]! - y[k]!);
      diffCount += x.length;
    }
  }
  const agreement = rows > 0 ? agreeing / rows : NaN;
  const meanDiff = diffCount > 0 ? diffSum / diffCount : NaN;
  const verdict = (result: JudgeVerdict['result'], reason: string): JudgeVerdict => ({
    judge: 'shadow-agreement',
    result,
    reason,
    measured: { agreement: finiteOrNull(agreement), meanScoreDiff: finiteOrNull(meanDiff), pairedRows: rows },
    thresholds: { minAgreement: c.minAgreement, maxScoreDiff: c.maxScoreDiff, minShadowPairs: c.minShadowPairs },
    samples: { candidate: pairs, baseline: pairs },
  });
  if (pairs < c.minShadowPairs) {
    return verdict('inconclusive', `only ${pairs} candidate answers paired with the baseline's answer to the same request; need ${c.minShadowPairs}`);
  }
  const agreeText = `top class agrees on ${pct(agreement)} (${agreeing}/${rows} rows)`;
  const diffText = Number.isNaN(meanDiff) ? 'no paired scores' : `mean score difference ${num(meanDiff)}`;
  const problems: string[] = [];
  if (agreement < c.minAgreement) problems.push(`${agreeText} < ${pct(c.minAgreement)}`);
  if (meanDiff > c.maxScoreDiff) problems.push(`${diffText} > ${c.maxScoreDiff}`);
  if (problems.length > 0) return verdict('fail', `candidate disagrees with the baseline on the same requests: ${problems.join('; ')}`);
  return verdict('pass', `${agreeText} ≥ ${pct(c.minAgreement)}; ${diffText} ≤ ${c.maxScoreDiff}`);
}
