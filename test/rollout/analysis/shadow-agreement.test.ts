// shadow-agreement on crafted mirror pairs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeShadowAgreement, resolveAnalysis, type AnalysisSample } from '../../../src/rollout/analysis/index.js';
import { classifierOutputs, samples } from './samples.js';

const defaults = resolveAnalysis();
const ANSWERS = [
  [0.9, 0.08, 0.02],
  [0.02, 0.9, 0.08],
  [0.08, 0.02, 0.9],
];

const primaries = samples(200, (i) => ({ requestId: `r${i}`, outputs: classifierOutputs(ANSWERS[i % 3]!) }));

function mirrors(count: number, answer: (i: number) => number[]): AnalysisSample[] {
  return samples(count, (i) => ({ version: 'v3', mirror: true, requestId: `r${i}`, outputs: classifierOutputs(answer(i)) }));
}

describe('shadow-agreement judge', () => {
  it('passes a candidate that answers the same requests alike (scores 0.01 apart)', () => {
    const v = judgeShadowAgreement(mirrors(200, (i) => ANSWERS[i % 3]!.map((p, k) => (k === 0 ? p + 0.01 : k === 1 ? p - 0.01 : p))), primaries, defaults);
    assert.equal(v.result, 'pass', v.reason);
    assert.equal(v.measured.agreement, 1);
    assert.ok(Math.abs(v.measured.meanScoreDiff! - 0.02 / 3) < 1e-9);
    assert.deepEqual(v.samples, { candidate: 200, baseline: 200 });
  });

  it('fails a candidate whose classes are permuted', () => {
    const v = judgeShadowAgreement(mirrors(200, (i) => ANSWERS[(i + 1) % 3]!), primaries, defaults);
    assert.equal(v.result, 'fail');
    assert.match(v.reason, /top class agrees on 0\.0% \(0\/200 rows\) < 95\.0%/);
  });

  it('fails on disagreement alone: 10% of answers change class', () => {
    const v = judgeShadowAgreement(mirrors(200, (i) => (i % 10 === 0 ? ANSWERS[(i + 1) % 3]! : ANSWERS[i % 3]!)), primaries, defaults);
    assert.equal(v.result, 'fail');
    assert.equal(v.measured.agreement, 0.9);
  });

  it('counts only pairs: unmatched ids, failed copies and failed primaries are left out', () => {
    const failedPrimaries = samples(200, (i) => ({ requestId: `r${i}`, status: i < 180 ? 502 : 200, outputs: i < 180 ? [] : classifierOutputs(ANSWERS[i % 3]!) }));
    const v = judgeShadowAgreement(mirrors(200, (i) => ANSWERS[i % 3]!), failedPrimaries, defaults);
    assert.equal(v.result, 'inconclusive');
    assert.match(v.reason, /only 20 candidate answers paired with the baseline's answer to the same request; need 50/);
    const strangers = samples(100, (i) => ({ mirror: true, requestId: `other${i}`, outputs: classifierOutputs(ANSWERS[0]!) }));
    assert.equal(judgeShadowAgreement(strangers, primaries, defaults).samples.candidate, 0);
  });
});
