// judgeAll, overall and the thresholds' overrides.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMeridianError } from '../../../src/core/errors.js';
import { DEFAULT_ANALYSIS, judgeAll, overall, resolveAnalysis } from '../../../src/rollout/analysis/index.js';
import { classifierOutputs, latencies, samples } from './samples.js';

const ANSWERS = [
  [0.9, 0.08, 0.02],
  [0.02, 0.9, 0.08],
  [0.08, 0.02, 0.9],
];

/** 300 answered requests a side, same answers, same latencies, mirrored pairs: everything passes. */
function healthy(version: string, mirror: boolean, seed: number) {
  const ms = latencies(300, 30, 5, seed);
  return samples(300, (i) => ({ version, mirror, requestId: `r${i}`, latencyMs: ms[i]!, outputs: classifierOutputs(ANSWERS[i % 3]!) }));
}

describe('judgeAll and overall', () => {
  it('runs every judge in a fixed order and passes a healthy candidate', () => {
    const verdicts = judgeAll(healthy('v3', true, 1), healthy('v2', false, 2));
    assert.deepEqual(
      verdicts.map((v) => v.judge),
      ['error-rate', 'latency-p99', 'latency-mann-whitney', 'output-shift', 'shadow-agreement'],
    );
    for (const v of verdicts) assert.equal(v.result, 'pass', `${v.judge}: ${v.reason}`);
    assert.equal(overall(verdicts), 'pass');
  });

  it('is inconclusive, with reasons, when there is no data — never a silent pass', () => {
    const verdicts = judgeAll([], []);
    for (const v of verdicts) {
      assert.equal(v.result, 'inconclusive', v.judge);
      assert.match(v.reason, /only 0 /);
    }
    assert.equal(overall(verdicts), 'inconclusive');
    // Verdicts are stored as JSON: nothing unmeasured may be NaN.
    assert.doesNotMatch(JSON.stringify(verdicts), /NaN/);
  });

  it('overall: any fail fails; else any inconclusive; else pass; nothing judged is inconclusive', () => {
    assert.equal(overall([{ result: 'pass' }, { result: 'inconclusive' }, { result: 'fail' }]), 'fail');
    assert.equal(overall([{ result: 'pass' }, { result: 'inconclusive' }]), 'inconclusive');
    assert.equal(overall([{ result: 'pass' }, { result: 'pass' }]), 'pass');
    assert.equal(overall([]), 'inconclusive');
  });

  it('applies overrides by name and reports the thresholds it applied', () => {
    const candidate = samples(100, (i) => ({ status: i < 3 ? 500 : 200 }));
    const [strict] = judgeAll(candidate, samples(100));
    assert.equal(strict!.result, 'fail');
    const [lenient] = judgeAll(candidate, samples(100), { maxErrorRate: 0.05, maxErrorRateIncrease: 0.05 });
    assert.equal(lenient!.result, 'pass', lenient!.reason);
    assert.equal(lenient!.thresholds.maxErrorRate, 0.05);
  });

  it('refuses unknown threshold names and out-of-range values, naming the field', () => {
    assert.throws(
      () => resolveAnalysis({ maxErrorRat: 0.02 }),
      (e: unknown) => isMeridianError(e, 'INVALID_ARGUMENT') && /analysis\.maxErrorRat: unknown threshold; the judges take maxErrorRate, /.test(e.message),
    );
    assert.throws(() => resolveAnalysis({ maxErrorRate: 2 }), /analysis\.maxErrorRate: 2 is not a share between 0 and 1/);
    assert.throws(() => resolveAnalysis({ minErrorSamples: 0.5 }), /whole number/);
    assert.throws(() => resolveAnalysis({ latencyConfidence: 1 }), /strictly between 0\.5 and 1/);
    assert.throws(() => judgeAll([], [], { nope: 1 }), /unknown threshold/);
  });

  it('keeps its defaults frozen', () => {
    assert.equal(resolveAnalysis().maxErrorRate, DEFAULT_ANALYSIS.maxErrorRate);
    assert.ok(Object.isFrozen(DEFAULT_ANALYSIS));
  });
});
