// The statistics against values computed by hand or by scipy.stats (1.17), quoted in each test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binShares,
  categoryShares,
  hodgesLehmannShift,
  ksStatistic,
  mannWhitneyGreater,
  medianOfSorted,
  nearestRank,
  normalCdf,
  psi,
  totalVariation,
} from '../../../src/rollout/analysis/stats.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

describe('normalCdf', () => {
  it('matches scipy.stats.norm.cdf to 1e-7, tails included', () => {
    close(normalCdf(0), 0.5, 1e-7, 'Φ(0)');
    close(normalCdf(1.96), 0.9750021048517795, 1e-7, 'Φ(1.96)');
    close(normalCdf(-2.326347874), 0.01, 1e-8, 'Φ(−2.326)');
    // Relative accuracy in the far tail, where p-values of a clear regression live.
    close(normalCdf(-3.5) / 0.00023262907903552502, 1, 1e-6, 'Φ(−3.5) relative');
  });
});

describe('mannWhitneyGreater', () => {
  it('gives U = 17, p = 0.0557 on scipy’s textbook example (no ties)', () => {
    // scipy.stats.mannwhitneyu([19, 22, 16, 29, 24], [20, 11, 17, 12], alternative='greater',
    // method='asymptotic') → statistic 17.0, pvalue 0.055673443266570206. By hand: 17 of the 20
    // pairs have x > y; σ² = 5·4·10/12; z = (17 − 10 − ½)/σ = 1.592.
    const r = mannWhitneyGreater([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    assert.equal(r.u, 17);
    close(r.z, 1.5922, 1e-4, 'z');
    close(r.pGreater, 0.055673443266570206, 1e-7, 'p');
  });

  it('uses midranks and the tie-corrected variance', () => {
    // Ranks of x = [2,3,4,4,5,6] among the 13 values: 3, 6.5, 9.5, 9.5, 11.5, 13 → R = 53,
    // U = 53 − 6·7/2 = 32. scipy (alternative='greater', method='asymptotic'): p = 0.06250310926466898.
    const x = [2, 3, 4, 4, 5, 6];
    const y = [1, 2, 2, 3, 3, 3, 5];
    const r = mannWhitneyGreater(x, y);
    assert.equal(r.u, 32);
    close(r.pGreater, 0.06250310926466898, 1e-7, 'p');
    // The other direction: U' = n₁n₂ − U = 10, p = 0.9535407538668389.
    const back = mannWhitneyGreater(y, x);
    assert.equal(back.u, 10);
    close(back.pGreater, 0.9535407538668389, 1e-7, 'p reversed');
  });

  it('says nothing (p = 1) when every value ties, and NaN for an empty side', () => {
    assert.deepEqual(mannWhitneyGreater([5, 5, 5], [5, 5]), { u: 3, z: 0, pGreater: 1 });
    assert.ok(Number.isNaN(mannWhitneyGreater([], [1]).pGreater));
  });
});

describe('hodgesLehmannShift', () => {
  it('is the median of all pairwise differences', () => {
    // x − y for x in [1, 2, 3], y in [0, 1]: 1, 0, 2, 1, 3, 2 → sorted 0 1 1 2 2 3 → median 1.5.
    assert.equal(hodgesLehmannShift([1, 2, 3], [0, 1]), 1.5);
    assert.equal(hodgesLehmannShift([10, 11, 12], [1, 2, 3]), 9);
  });

  it('thins large samples to quantiles and stays within a quantile step of the exact shift', () => {
    const x = Array.from({ length: 2000 }, (_, i) => 30 + (i % 100) / 10);
    const y = Array.from({ length: 1500 }, (_, i) => (i % 100) / 10);
    close(hodgesLehmannShift(x, y, 200), 30, 0.1, 'shift');
  });
});

describe('ksStatistic', () => {
  it('is the largest gap between the empirical CDFs', () => {
    // After 1, 2, 2.5, 3, 4: F_x = .25 .5 .5 .75 1, F_y = 0 0 ⅓ ⅓ ⅓ → D = 1 − ⅓. scipy ks_2samp: 0.6667.
    close(ksStatistic([1, 2, 3, 4], [2.5, 5, 6]), 2 / 3, 1e-12, 'D');
  });

  it('steps both samples together over equal values', () => {
    // After 1, 2, 3, 4: F_x = .25 .75 1 1, F_y = 0 .5 .75 1 → D = .25 (scipy: 0.25), not .5.
    assert.equal(ksStatistic([1, 2, 2, 3], [2, 2, 3, 4]), 0.25);
    assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
  });
});

describe('distribution distances', () => {
  it('total variation is half the L1 distance', () => {
    close(totalVariation([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]), 0.3, 1e-12, 'TVD');
    assert.equal(totalVariation([1, 0], [0, 1]), 1);
  });

  it('PSI = Σ (a − e) ln(a / e), finite for empty categories', () => {
    // (0.25 − 0.5)·ln(0.5) + (0.75 − 0.5)·ln(1.5) = 0.17329 + 0.10137
    close(psi([0.5, 0.5], [0.25, 0.75]), 0.2746530721670274, 1e-12, 'PSI');
    assert.equal(psi([0.3, 0.7], [0.3, 0.7]), 0);
    assert.ok(Number.isFinite(psi([1, 0], [0, 1])));
  });

  it('bins values into equal-width bins, with optional additive smoothing', () => {
    assert.deepEqual(binShares([0, 0.1, 0.55, 1, 2, -1], 2, 0, 1), [3 / 6, 3 / 6]);
    // Two bins, counts 1 and 0, plus ½ each: 1.5/2 and 0.5/2.
    assert.deepEqual(binShares([0.2], 2, 0, 1, 0.5), [0.75, 0.25]);
  });

  it('counts category shares, ignoring values that are not categories', () => {
    assert.deepEqual(categoryShares([0, 1, 1, 2, 7, -1], 3), [0.25, 0.5, 0.25]);
  });
});

describe('percentiles', () => {
  it('nearest rank and median', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(nearestRank(values, 0.99), 99);
    assert.equal(nearestRank(values, 1), 100);
    assert.equal(nearestRank([7], 0.99), 7);
    assert.equal(medianOfSorted([1, 2, 3, 4]), 2.5);
    assert.equal(medianOfSorted([1, 2, 3]), 2);
    assert.ok(Number.isNaN(medianOfSorted([])));
  });
});
