// output-shift: does the candidate answer differently from the baseline on the same kind of traffic?
import type { AnalysisConfig } from './config.js';
import { finiteOrNull, num } from './format.js';
import { argmax, predictionsOfAll } from './predictions.js';
import { binShares, categoryShares, ksStatistic, psi, totalVariation } from './stats.js';
import type { AnalysisSample, JudgeVerdict } from './types.js';

/** Ten equal bins: coarse enough that a few hundred rows fill them, fine enough to see a shift. */
const SCORE_BINS = 10;
const PSEUDO_COUNT = 0.5;

/**
 * Compares the distribution of the candidate's answers with the baseline's over the same period
 * (so over the same mix of inputs), without knowing the right answers. Three effect sizes, each
 * with its threshold; any one over fails:
 * - classShift: total variation distance of the top-class shares (the integer label output, else
 *   argmax of the scores): the share of answers that would have to change class;
 * - rankShift: the same over (top class, runner-up class) pairs of the score rows. A model that
 *   swaps classes keeps balanced class shares and its score distributions, but not which classes
 *   it hesitates between (iris: versicolor is runner-up to setosa and virginica);
 * - scorePsi: the largest PSI of any score column over 10 equal bins (over [0, 1] for
 *   probabilities, else over the range both sides span), catching miscalibration.
 * Effect sizes, not p-values: with thousands of rows any tiny difference is "significant", and a
 * retrain that is as good should pass. The class PSI and the KS statistic of the top score are
 * reported for context. Inconclusive below minOutputSamples rows a side.
 */
export function judgeOutputShift(candidate: readonly AnalysisSample[], baseline: readonly AnalysisSample[], c: AnalysisConfig): JudgeVerdict {
  const cp = predictionsOfAll(candidate);
  const bp = predictionsOfAll(baseline);
  const width = Math.max(0, ...cp.scores.map((r) => r.length), ...bp.scores.map((r) => r.length));
  const classes = Math.max(width, ...cp.labels.map((l) => l + 1), ...bp.labels.map((l) => l + 1));
  const cShares = categoryShares(cp.labels, classes);
  const bShares = categoryShares(bp.labels, classes);
  const classShift = cp.labels.length > 0 && bp.labels.length > 0 ? totalVariation(cShares, bShares) : NaN;
  const classPsi = Number.isNaN(classShift) ? NaN : psi(bShares, cShares);
  const scores = scoreShift(cp.scores, bp.scores);
  const verdict = (result: JudgeVerdict['result'], reason: string): JudgeVerdict => ({
    judge: 'output-shift',
    result,
    reason,
    measured: {
      classShift: finiteOrNull(classShift),
      rankShift: finiteOrNull(scores.rankShift),
      scorePsi: finiteOrNull(scores.maxPsi),
      scorePsiColumn: scores.column ?? null,
      classPsi: finiteOrNull(classPsi),
      topScoreKs: finiteOrNull(scores.topKs),
    },
    thresholds: { maxClassShift: c.maxClassShift, maxRankShift: c.maxRankShift, maxScorePsi: c.maxScorePsi, minOutputSamples: c.minOutputSamples },
    samples: { candidate: cp.labels.length, baseline: bp.labels.length },
  });
  if (cp.labels.length < c.minOutputSamples || bp.labels.length < c.minOutputSamples) {
    return verdict('inconclusive', `only ${cp.labels.length} candidate and ${bp.labels.length} baseline answered rows with sampled outputs; need ${c.minOutputSamples} of each`);
  }
  const shares = (s: number[]) => s.map((x) => x.toFixed(2)).join('/');
  const problems: string[] = [];
  if (classShift > c.maxClassShift) {
    problems.push(`class shares moved by ${num(classShift)} > ${c.maxClassShift} (total variation; candidate ${shares(cShares)} vs baseline ${shares(bShares)})`);
  }
  if (scores.mismatch !== undefined) {
    problems.push(scores.mismatch);
  } else {
    if (scores.rankShift > c.maxRankShift) problems.push(`(top, runner-up) class pairs moved by ${num(scores.rankShift)} > ${c.maxRankShift}`);
    if (scores.maxPsi > c.maxScorePsi) problems.push(`score column ${scores.column} shifted: PSI ${num(scores.maxPsi)} > ${c.maxScorePsi}`);
  }
  if (problems.length > 0) return verdict('fail', `candidate answers differently: ${problems.join('; ')}`);
  const scoreText = Number.isNaN(scores.maxPsi)
    ? 'no score outputs sampled'
    : `class pairs moved by ${num(scores.rankShift)} ≤ ${c.maxRankShift}, largest score PSI ${num(scores.maxPsi)} ≤ ${c.maxScorePsi}`;
  return verdict('pass', `answers match the baseline's: class shares moved by ${num(classShift)} ≤ ${c.maxClassShift}, ${scoreText}`);
}

interface ScoreShift {
  rankShift: number;
  maxPsi: number;
  column?: number;
  topKs: number;
  /** Set when the two sides' score vectors differ in width: a changed signature, not a shift. */
  mismatch?: string;
}

function scoreShift(candidate: number[][], baseline: number[][]): ScoreShift {
  if (candidate.length === 0 || baseline.length === 0) return { rankShift: NaN, maxPsi: NaN, topKs: NaN };
  const width = candidate[0]!.length;
  const bWidth = baseline[0]!.length;
  if (width !== bWidth) return { rankShift: NaN, maxPsi: NaN, topKs: NaN, mismatch: `candidate scores have ${width} columns, the baseline's ${bWidth}` };
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of [...candidate, ...baseline]) {
    for (const v of row) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  // Probabilities get fixed bins, so the thresholds mean the same for every model that outputs them.
  if (lo >= 0 && hi <= 1) {
    lo = 0;
    hi = 1;
  }
  let maxPsi = -Infinity;
  let column = 0;
  for (let k = 0; k < width; k++) {
    const expected = binShares(baseline.map((r) => r[k]!), SCORE_BINS, lo, hi, PSEUDO_COUNT);
    const actual = binShares(candidate.map((r) => r[k]!), SCORE_BINS, lo, hi, PSEUDO_COUNT);
    const value = psi(expected, actual);
    if (value > maxPsi) {
      maxPsi = value;
      column = k;
    }
  }
  const rankShift = width >= 2 ? totalVariation(categoryShares(baseline.map(rankPair), width * width), categoryShares(candidate.map(rankPair), width * width)) : NaN;
  const top = (rows: number[][]) => rows.map((r) => Math.max(...r));
  return { rankShift, maxPsi, column, topKs: ksStatistic(top(candidate), top(baseline)) };
}

/** (top, runner-up) as one category: top · width + runner-up. */
function rankPair(row: readonly number[]): number {
  const top = argmax(row);
  let runner = top === 0 ? 1 : 0;
  for (let k = 0; k < row.length; k++) if (k !== top && row[k]! > row[runner]!) runner = k;
  return top * row.length + runner;
}
