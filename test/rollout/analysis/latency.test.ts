// latency-p99 and latency-mann-whitney on crafted latencies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeLatencyMannWhitney, judgeLatencyP99, resolveAnalysis } from '../../../src/rollout/analysis/index.js';
import { latencies, samples } from './samples.js';

const defaults = resolveAnalysis();
const withLatencies = (ms: number[]) => samples(ms.length, (i) => ({ latencyMs: ms[i]! }));

describe('latency-p99 judge', () => {
  it('fails when the 99th percentile is over budget', () => {
    const ms = [...latencies(98, 20, 5, 1), 900, 950];
    const v = judgeLatencyP99(withLatencies(ms), withLatencies(latencies(100, 20, 5, 2)), defaults);
    assert.equal(v.result, 'fail');
    assert.equal(v.measured.candidateP99Ms, 900);
    assert.match(v.reason, /candidate p99 latency 900 ms > 500 ms/);
  });

  it('passes within budget and ignores failed requests (a timeout is the router’s deadline)', () => {
    const candidate = [...withLatencies(latencies(100, 20, 5, 1)), ...samples(5, () => ({ status: 504, latencyMs: 30_000 }))];
    const v = judgeLatencyP99(candidate, [], defaults);
    assert.equal(v.result, 'pass', v.reason);
    assert.equal(v.samples.candidate, 100);
  });

  it('when the stable version is over budget too, judges the candidate against it instead (a slow machine is not a bad model)', () => {
    // The bench's shadow of a good retrain on a saturated machine: stable p99 421 → here 600, candidate 650.
    const slow = (p99: number, seed: number) => withLatencies([...latencies(98, 200, 20, seed), p99, p99]);
    const ok = judgeLatencyP99(slow(650, 1), slow(600, 2), defaults);
    assert.equal(ok.result, 'pass', ok.reason);
    assert.match(ok.reason, /so is the baseline's 600 ms/);
    const worse = judgeLatencyP99(slow(900, 1), slow(600, 2), defaults);
    assert.equal(worse.result, 'fail', '50% above an over-budget baseline still fails');
    const alone = judgeLatencyP99(slow(650, 1), withLatencies(latencies(100, 20, 5, 2)), defaults);
    assert.equal(alone.result, 'fail', 'over budget while the baseline is fine');
  });

  it('is inconclusive under 100 successful requests', () => {
    const v = judgeLatencyP99(withLatencies(latencies(99, 20, 5, 1)), [], defaults);
    assert.equal(v.result, 'inconclusive');
    assert.match(v.reason, /only 99 successful candidate requests; need 100/);
  });
});

describe('latency-mann-whitney judge', () => {
  const baseline = withLatencies(latencies(300, 40, 10, 7));

  it('passes a candidate drawn from the same distribution', () => {
    const v = judgeLatencyMannWhitney(withLatencies(latencies(300, 40, 10, 8)), baseline, defaults);
    assert.equal(v.result, 'pass', v.reason);
    assert.match(v.reason, /no evidence/);
  });

  it('fails a candidate 30 ms slower, reporting the shift and the p-value', () => {
    const v = judgeLatencyMannWhitney(withLatencies(latencies(300, 70, 10, 8)), baseline, defaults);
    assert.equal(v.result, 'fail', v.reason);
    assert.ok(Math.abs(v.measured.shiftMs! - 30) < 2, `shift ${v.measured.shiftMs}`);
    assert.ok(v.measured.pValue! < 1e-10);
    assert.match(v.reason, /^candidate is slower: median [\d.]+ ms vs [\d.]+ ms, shift \+[\d.]+ ms ≥ [\d.]+ ms .*; one-sided Mann–Whitney p = [\d.]+e-\d+ < 0\.01$/);
  });

  it('passes a significant but tiny slowdown (+2 ms on 40 ms: under 5 ms and 20%)', () => {
    const v = judgeLatencyMannWhitney(withLatencies(latencies(2000, 42, 3, 9)), withLatencies(latencies(2000, 40, 3, 10)), defaults);
    assert.ok(v.measured.pValue! < 0.01, `p ${v.measured.pValue}`);
    assert.equal(v.result, 'pass', v.reason);
    assert.match(v.reason, /slower by only \+2/);
  });

  it('passes a +10 ms shift on a 400 ms path (under 20% of the baseline median)', () => {
    const v = judgeLatencyMannWhitney(withLatencies(latencies(300, 410, 20, 11)), withLatencies(latencies(300, 400, 20, 12)), defaults);
    assert.equal(v.result, 'pass', v.reason);
  });

  it('passes a faster candidate', () => {
    assert.equal(judgeLatencyMannWhitney(withLatencies(latencies(300, 20, 5, 3)), baseline, defaults).result, 'pass');
  });

  it('is inconclusive with fewer than 50 successful requests on either side', () => {
    const v = judgeLatencyMannWhitney(withLatencies(latencies(40, 90, 5, 3)), baseline, defaults);
    assert.equal(v.result, 'inconclusive');
    assert.match(v.reason, /only 40 candidate and 300 baseline successful requests; need 50 of each/);
  });
});
