// error-rate on crafted samples whose right verdict is known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeErrorRate, resolveAnalysis } from '../../../src/rollout/analysis/index.js';
import { samples } from './samples.js';

const defaults = resolveAnalysis();

describe('error-rate judge', () => {
  it('fails a candidate over 1%, naming the rate and the counts', () => {
    // 24 of 200 fail: server errors, connection errors and timeouts all count.
    const candidate = samples(200, (i) => ({ status: i < 24 ? [500, 502, 504][i % 3] : 200 }));
    const v = judgeErrorRate(candidate, samples(200), defaults);
    assert.equal(v.result, 'fail');
    assert.equal(v.reason, 'candidate error rate 12.0% (24/200) > 1.0%');
    assert.equal(v.measured.candidateErrorRate, 0.12);
    assert.deepEqual(v.samples, { candidate: 200, baseline: 200 });
  });

  it('passes a candidate at 0.5% and does not count client errors', () => {
    const candidate = samples(200, (i) => ({ status: i === 0 ? 503 : i < 20 ? 400 : 200 }));
    const v = judgeErrorRate(candidate, samples(200), defaults);
    assert.equal(v.result, 'pass', v.reason);
    assert.match(v.reason, /0\.5% \(1\/200\)/);
  });

  it('is inconclusive under the minimum sample count while the failures seen prove nothing', () => {
    const v = judgeErrorRate(samples(12, (i) => ({ status: i < 4 ? 500 : 200 })), samples(200), defaults);
    assert.equal(v.result, 'inconclusive');
    assert.match(v.reason, /only 12 candidate requests \(4 failed\); need 50/);
    assert.equal(judgeErrorRate(samples(10), samples(200), defaults).result, 'inconclusive', 'no failures: no early pass either');
  });

  it('fails early, on few requests, when the failures already prove the rate too high (a hung candidate the router ejected)', () => {
    // The bench's canary of iris-bad-hang: 26 requests reached it before ejection, 8 timed out.
    const v = judgeErrorRate(samples(26, (i) => ({ status: i < 8 ? 504 : 200 })), samples(5000), defaults);
    assert.equal(v.result, 'fail', v.reason);
    assert.match(v.reason, /30\.8% \(8\/26\).*99% lower bound/);
    assert.ok((v.measured.candidateErrorRateLower99 ?? 0) > 0.1);
    // Five failures in 45 requests (11%) are enough too; two in 40 are not.
    assert.equal(judgeErrorRate(samples(45, (i) => ({ status: i < 5 ? 500 : 200 })), samples(200), defaults).result, 'fail');
    assert.equal(judgeErrorRate(samples(40, (i) => ({ status: i < 2 ? 500 : 200 })), samples(200), defaults).result, 'inconclusive');
  });

  it('fails a candidate that errs more than the baseline by the allowed increase', () => {
    // An environment where errors happen: the absolute limit raised to 10%, the increase kept at 1%.
    const c = resolveAnalysis({ maxErrorRate: 0.1 });
    const candidate = samples(200, (i) => ({ status: i < 12 ? 500 : 200 })); // 6%
    const baseline = samples(200, (i) => ({ status: i < 2 ? 500 : 200 })); // 1%
    const v = judgeErrorRate(candidate, baseline, c);
    assert.equal(v.result, 'fail');
    assert.match(v.reason, /exceeds the baseline's 1\.0% \(2\/200\) by more than 1\.0%/);
    assert.equal(judgeErrorRate(candidate, samples(200, (i) => ({ status: i < 10 ? 500 : 200 })), c).result, 'pass');
    // Too few baseline requests to compare with: not a silent pass.
    const short = judgeErrorRate(candidate, samples(5), c);
    assert.equal(short.result, 'inconclusive');
    assert.match(short.reason, /only 5 baseline requests/);
  });
});
