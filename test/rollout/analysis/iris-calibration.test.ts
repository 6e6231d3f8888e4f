// The judges' thresholds against real models: the iris candidates (src/examples/candidates.ts) run
// by onnxruntime in this process on realistic iris rows, one request per row, their answers turned
// into AnalysisSamples as a router would record them. A good retrain must pass against v2; each
// bad candidate must fail the judge meant to catch it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { drawIrisRows, type IrisCandidateKey } from '../../../src/examples/index.js';
import { judgeAll, overall, type AnalysisSample, type JudgeName, type JudgeVerdict } from '../../../src/rollout/analysis/index.js';
import { answerRows, buildCandidateSet, openSession, type CandidateSet } from '../../examples/candidate-runs.js';

/** A few hundred requests a side, as a short canary step or shadow period would collect. */
const ROWS = 300;

type Version = IrisCandidateKey | 'v2';

async function record(session: ort.InferenceSession, version: Version, rows: number[][], o: { mirror: boolean; ids: string }): Promise<AnalysisSample[]> {
  const answers = await answerRows(session, rows);
  return answers.map((a, i) => ({
    region: 'eu-west-1',
    version,
    time: i,
    latencyMs: a.ms,
    status: a.ok ? 200 : 500,
    outputs: a.ok
      ? [
          { name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: a.probabilities },
          { name: 'label', datatype: 'INT64', shape: [1], data: [a.label] },
        ]
      : [],
    mirror: o.mirror,
    requestId: `${o.ids}${i}`,
  }));
}

function verdictOf(verdicts: readonly JudgeVerdict[], judge: JudgeName): JudgeVerdict {
  const v = verdicts.find((x) => x.judge === judge);
  assert.ok(v !== undefined, judge);
  return v;
}

describe('judges calibrated on the iris candidates (real onnxruntime)', () => {
  let set: CandidateSet;
  const sessions = new Map<Version, ort.InferenceSession>();
  /** Baseline traffic: v2 answering its share of requests. */
  let baseline: AnalysisSample[];
  const baselineRows = drawIrisRows(ROWS, 101).map((r) => r.features);
  /** The candidate's share of the same period: other requests, same mix (a canary). */
  const canaryRows = drawIrisRows(ROWS, 202).map((r) => r.features);

  /** What a canary step sees: the candidate on its own requests. */
  const canary = async (key: IrisCandidateKey) => judgeAll(await record(sessions.get(key)!, key, canaryRows, { mirror: false, ids: 'c' }), baseline);
  /** What a shadow step sees: the candidate answering copies of the baseline's requests. */
  const shadow = async (key: IrisCandidateKey) => judgeAll(await record(sessions.get(key)!, key, baselineRows, { mirror: true, ids: 'b' }), baseline);

  before(async () => {
    set = buildCandidateSet();
    sessions.set('v2', await openSession(set.v2Bytes));
    for (const [key, built] of set.candidates) if (key !== 'iris-bad-hang') sessions.set(key, await openSession(built.bytes));
    baseline = await record(sessions.get('v2')!, 'v2', baselineRows, { mirror: false, ids: 'b' });
  });
  after(async () => {
    for (const s of sessions.values()) await s.release();
  });

  for (const key of ['iris-good-a', 'iris-good-b'] as const) {
    it(`${key} passes against v2: as a canary (all judges but shadow's) and as a shadow`, async () => {
      const asCanary = (await canary(key)).filter((v) => v.judge !== 'shadow-agreement');
      for (const v of asCanary) assert.equal(v.result, 'pass', `${v.judge}: ${v.reason}`);
      assert.equal(overall(asCanary), 'pass');
      const asShadow = await shadow(key);
      for (const judge of ['output-shift', 'shadow-agreement'] as const) {
        const v = verdictOf(asShadow, judge);
        assert.equal(v.result, 'pass', `${judge}: ${v.reason}`);
      }
    });
  }

  for (const key of ['iris-bad-wrong', 'iris-bad-shifted'] as const) {
    it(`${key} fails output-shift as a canary and shadow-agreement as a shadow, with healthy errors and latency`, async () => {
      const asCanary = await canary(key);
      assert.equal(verdictOf(asCanary, 'output-shift').result, 'fail', verdictOf(asCanary, 'output-shift').reason);
      assert.equal(verdictOf(asCanary, 'error-rate').result, 'pass');
      assert.equal(verdictOf(asCanary, 'latency-mann-whitney').result, 'pass');
      const agreement = verdictOf(await shadow(key), 'shadow-agreement');
      assert.equal(agreement.result, 'fail', agreement.reason);
    });
  }

  it('iris-bad-errors fails error-rate', async () => {
    const v = verdictOf(await canary('iris-bad-errors'), 'error-rate');
    assert.equal(v.result, 'fail');
    assert.match(v.reason, /^candidate error rate (1\d|2\d|30)\.\d% \(\d+\/300\) > 1\.0%$/);
  });

  it('iris-bad-slow fails latency-mann-whitney (its answers are v2’s)', async () => {
    // 60 requests a side: enough for the test (50), ~2 s of bad-slow.
    const rows = canaryRows.slice(0, 60);
    const slow = await record(sessions.get('iris-bad-slow')!, 'iris-bad-slow', rows, { mirror: false, ids: 's' });
    const fast = await record(sessions.get('v2')!, 'v2', rows, { mirror: false, ids: 's' });
    const v = verdictOf(judgeAll(slow, fast), 'latency-mann-whitney');
    assert.equal(v.result, 'fail', v.reason);
    assert.ok(v.measured.shiftMs! >= 5, `shift ${v.measured.shiftMs} ms`);
  });
});
