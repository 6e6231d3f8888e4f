// The judges' thresholds: one flat object of named numbers, so a rollout spec overrides any of them
// by name (`analysis: { maxErrorRate: 0.02 }`) and a verdict reports the ones it applied under the
// same names. Each default says why it has its value.
import { ROLLOUT_DEFAULTS } from '../../core/defaults.js';
import { MeridianError } from '../../core/errors.js';

export const DEFAULT_ANALYSIS = Object.freeze({
  // error-rate
  /** 1%: a model that fails one request in a hundred is broken, whatever its baseline does. */
  maxErrorRate: 0.01,
  /** The candidate may not err this much more often than the baseline (absolute rate). Matters
   *  when maxErrorRate is raised for an environment whose baseline itself errs. */
  maxErrorRateIncrease: 0.01,
  /** At 1% a rate needs ~50 requests before a single error means anything. */
  minErrorSamples: 50,

  // latency-p99
  /** The p99 budget region verification applies (500 ms), emulated network delay included: a
   *  smoke test for a badly slow model, not a tight SLO; latency-mann-whitney sees regressions. */
  maxP99Ms: ROLLOUT_DEFAULTS.latencyP99BudgetMs,
  /** Fewer than 100 samples make the p99 the maximum, a single stall. */
  minP99Samples: 100,

  // latency-mann-whitney
  /** One-sided confidence that the candidate is slower, as Kayenta's default Mann–Whitney
   *  classifier uses (99%). */
  latencyConfidence: 0.99,
  /** …and slower by at least this much (Hodges–Lehmann shift): below a few ms is noise nobody feels. */
  minLatencyShiftMs: 5,
  /** …and by at least this share of the baseline median: +5 ms on a 400 ms path is not a regression. */
  minLatencyShiftRatio: 0.2,
  /** The normal approximation of U is sound well below this; the power to see a 20% shift is not. */
  minLatencySamples: 50,

  // output-shift (calibrated on the iris candidates, 200-row samples a side drawn 30 times: v2
  // against v2 and against its retrains good-a/good-b, and against bad-wrong and bad-shifted)
  /** Total variation distance of the top-class shares: a fifth of the answers changing class. The
   *  noise alone reached 0.11 at 200 rows a side; bad-shifted measured 0.10–0.27 (the other two
   *  effect sizes catch it). Catches gross shifts such as a model answering one class. */
  maxClassShift: 0.2,
  /** Total variation distance of the (top, runner-up) class pairs: good retrains measured up to
   *  0.19 (they differ on which neighbour versicolor hesitates towards), bad-shifted ≥ 0.43 and
   *  bad-wrong ≥ 0.56 (its classes are permuted: shares and score distributions barely move, its
   *  column PSI stayed ≤ 0.23, but the pairs do). */
  maxRankShift: 0.3,
  /** Largest PSI of any score column (10 bins, add-½ smoothing); 0.25 is credit scoring's "major
   *  shift". Good retrains measured ≤ 0.14, bad-shifted (miscalibrated) ≥ 1.4. */
  maxScorePsi: 0.25,
  /** Rows per side: at 100 the noise alone reached the thresholds (class shift 0.17, rank shift 0.24). */
  minOutputSamples: 200,

  // shadow-agreement
  /** Share of mirrored rows whose top class equals the baseline's: 95%. Good iris retrains agree
   *  with v2 on ≥ 98% at 100 pairs (≈ 99.7% overall); bad-shifted on 78–93%, bad-wrong on 0%. */
  minAgreement: 0.95,
  /** Mean |candidate score − baseline score| over paired score values, in probability: good
   *  retrains measured ≤ 0.005, bad-shifted ≥ 0.09, bad-wrong 0.65. */
  maxScoreDiff: 0.05,
  /** An agreement rate over fewer than 50 pairs moves by 2% per disagreement. */
  minShadowPairs: 50,
});

/** Every threshold, all set. */
export type AnalysisConfig = { readonly [K in keyof typeof DEFAULT_ANALYSIS]: number };
export type AnalysisKey = keyof AnalysisConfig;

/** What a rollout spec may set: any thresholds by name (core/strategy.ts AnalysisOverrides). */
export type AnalysisOverrides = Readonly<Record<string, number>>;

const RATES: readonly AnalysisKey[] = ['maxErrorRate', 'maxErrorRateIncrease', 'maxClassShift', 'maxRankShift', 'minAgreement', 'maxScoreDiff', 'minLatencyShiftRatio'];
const COUNTS: readonly AnalysisKey[] = ['minErrorSamples', 'minP99Samples', 'minLatencySamples', 'minOutputSamples', 'minShadowPairs'];

/**
 * The defaults with `overrides` applied, checked.
 *
 * @throws MeridianError INVALID_ARGUMENT naming the field: an unknown threshold name (a typo would
 *   otherwise silently keep the default), or a value out of its range.
 */
export function resolveAnalysis(overrides: AnalysisOverrides = {}): AnalysisConfig {
  const out: Record<string, number> = { ...DEFAULT_ANALYSIS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(DEFAULT_ANALYSIS, key)) {
      throw new MeridianError('INVALID_ARGUMENT', `analysis.${key}: unknown threshold; the judges take ${Object.keys(DEFAULT_ANALYSIS).join(', ')}`);
    }
    out[key] = checked(key as AnalysisKey, value);
  }
  return out as AnalysisConfig;
}

function checked(key: AnalysisKey, value: number): number {
  const bad = (rule: string) => new MeridianError('INVALID_ARGUMENT', `analysis.${key}: ${value} ${rule} (default ${DEFAULT_ANALYSIS[key]})`);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('is not a finite number');
  if (RATES.includes(key) && (value < 0 || value > 1)) throw bad('is not a share between 0 and 1');
  if (COUNTS.includes(key) && (!Number.isInteger(value) || value < 1)) throw bad('is not a whole number of samples ≥ 1');
  if (key === 'latencyConfidence' && (value <= 0.5 || value >= 1)) throw bad('is not a confidence strictly between 0.5 and 1, e.g. 0.99');
  if (value < 0) throw bad('is negative');
  return value;
}
