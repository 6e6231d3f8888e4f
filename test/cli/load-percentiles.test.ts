// Nearest-rank percentiles: the values reported are latencies some request really had.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile, summarize } from '../../src/cli/load/percentiles.js';

describe('percentiles', () => {
  it('nearest rank on 1..100 gives the rank itself', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(s, 50), 50);
    assert.equal(percentile(s, 90), 90);
    assert.equal(percentile(s, 99), 99);
    assert.equal(percentile(s, 100), 100);
    assert.equal(percentile(s, 0.5), 1);
  });

  it('never interpolates: small samples report a real value', () => {
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile([10, 20, 30, 40], 51), 30);
    assert.equal(percentile([10, 20, 30, 40], 99), 40);
    assert.equal(percentile([7], 50), 7);
    assert.equal(percentile([], 50), undefined);
    assert.throws(() => percentile([1], 0), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
  });

  it('summarize sorts numerically and reports nulls when empty', () => {
    // A string sort would put 100 before 9.
    assert.deepEqual(summarize([100, 9, 50, 1, 20]), { p50: 20, p90: 100, p99: 100, max: 100 });
    assert.deepEqual(summarize([]), { p50: null, p90: null, p99: null, max: null });
    const big = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    assert.deepEqual(summarize(big), { p50: 500, p90: 900, p99: 990, max: 1000 });
  });
});
