// The candidate iris versions, run by real onnxruntime: the good ones are as good as v2, each bad
// one is bad in exactly its documented way and otherwise v2.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { CLASS_PERMUTATION, drawIrisRows, insideBox, IRIS_ERROR_BOX, irisPredict, type IrisCandidateKey } from '../../src/examples/index.js';
import { answerRows, buildCandidateSet, labelShares, openSession, type CandidateSet, type RowAnswer } from './candidate-runs.js';

const answered = (a: RowAnswer) => {
  assert.ok(a.ok, `run failed: ${a.ok ? '' : a.error}`);
  return a;
};

describe('iris candidates', () => {
  let set: CandidateSet;
  const sessions = new Map<IrisCandidateKey | 'v2', ort.InferenceSession>();
  /** v2's answers on all 150 flowers, one request each. */
  let v2Answers: RowAnswer[];

  before(async () => {
    set = buildCandidateSet();
    sessions.set('v2', await openSession(set.v2Bytes));
    for (const [key, built] of set.candidates) if (key !== 'iris-bad-hang') sessions.set(key, await openSession(built.bytes));
    v2Answers = await answerRows(sessions.get('v2')!, set.v2.data.rows);
  });
  after(async () => {
    for (const s of sessions.values()) await s.release();
  });

  for (const key of ['iris-good-a', 'iris-good-b'] as const) {
    it(`${key}: held-out accuracy within one flower (1/30) of v2's, and onnxruntime matches its reference`, async () => {
      const built = set.candidates.get(key)!;
      const answers = await answerRows(sessions.get(key)!, set.v2.data.rows);
      const reference = irisPredict(built.params, set.v2.data.rows);
      answers.forEach((a, r) => assert.equal(answered(a).label, reference.labels[r], `row ${r}`));
      const heldOut = set.v2.split.test.filter((i) => answered(answers[i]!).label === set.v2.data.labels[i]).length / set.v2.split.test.length;
      assert.equal(heldOut, built.report.testAccuracy);
      assert.ok(Math.abs(heldOut - set.v2.report.testAccuracy) <= 1 / 30 + 1e-9, `${key} ${heldOut} vs v2 ${set.v2.report.testAccuracy}`);
      // A different model, not v2 under another name.
      assert.ok(answers.some((a, r) => answered(a).probabilities[0] !== answered(v2Answers[r]!).probabilities[0]));
    });
  }

  it('iris-bad-errors fails exactly the requests holding a row in its box (10–30% of flowers) and answers the rest as v2', async () => {
    const answers = await answerRows(sessions.get('iris-bad-errors')!, set.v2.data.rows);
    let failed = 0;
    answers.forEach((a, r) => {
      const row = set.v2.data.rows[r]!;
      assert.equal(a.ok, !insideBox(row, IRIS_ERROR_BOX), `row ${r} [${row.join(', ')}]`);
      if (!a.ok) {
        failed++;
        assert.match(a.error, /Gather/);
      } else {
        assert.deepEqual(a.probabilities, answered(v2Answers[r]!).probabilities);
      }
    });
    const fraction = failed / answers.length;
    assert.ok(fraction >= 0.1 && fraction <= 0.3, `failed on ${fraction}`);
    // Realistic traffic (noisy re-measurements) fails about as often.
    const realistic = await answerRows(sessions.get('iris-bad-errors')!, drawIrisRows(400, 5).map((r) => r.features));
    const realisticFraction = realistic.filter((a) => !a.ok).length / realistic.length;
    assert.ok(realisticFraction >= 0.1 && realisticFraction <= 0.3, `realistic rows failed on ${realisticFraction}`);
  });

  it('iris-bad-wrong permutes the classes: column k holds v2’s column CLASS_PERMUTATION[k], labels follow', async () => {
    const answers = await answerRows(sessions.get('iris-bad-wrong')!, set.v2.data.rows);
    answers.forEach((a, r) => {
      const wrong = answered(a);
      const right = answered(v2Answers[r]!);
      CLASS_PERMUTATION.forEach((from, k) => assert.ok(Math.abs(wrong.probabilities[k]! - right.probabilities[from]!) <= 1e-6, `row ${r} column ${k}`));
      assert.equal(CLASS_PERMUTATION[wrong.label], right.label, `row ${r}`);
      assert.notEqual(wrong.label, right.label);
    });
  });

  it('iris-bad-shifted moves label shares toward virginica on realistic rows', async () => {
    const rows = drawIrisRows(600, 9).map((r) => r.features);
    const v2 = labelShares(await answerRows(sessions.get('v2')!, rows));
    const shifted = labelShares(await answerRows(sessions.get('iris-bad-shifted')!, rows));
    assert.ok(v2[1]! - shifted[1]! >= 0.1, `versicolor share ${v2[1]} → ${shifted[1]}`);
    assert.ok(shifted[2]! - v2[2]! >= 0.1, `virginica share ${v2[2]} → ${shifted[2]}`);
    assert.ok(Math.abs(shifted[0]! - v2[0]!) <= 0.02, 'setosa keeps its share');
  });

  it('iris-bad-slow answers exactly as v2, and is slower per one-row request', async (t) => {
    const slow = sessions.get('iris-bad-slow')!;
    const answers = await answerRows(slow, set.v2.data.rows.slice(0, 20));
    answers.forEach((a, r) => assert.deepEqual(answered(a).probabilities, answered(v2Answers[r]!).probabilities));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rows = set.v2.data.rows.slice(50, 61);
    const slowMs = median((await answerRows(slow, rows)).map((a) => a.ms));
    const v2Ms = median((await answerRows(sessions.get('v2')!, rows)).map((a) => a.ms));
    t.diagnostic(`median one-row request: bad-slow ${slowMs.toFixed(2)} ms, v2 ${v2Ms.toFixed(2)} ms`);
    // A sanity bound, not a benchmark: the work is ~30 ms here, and a busy machine only adds to it.
    assert.ok(slowMs >= v2Ms + 5, `bad-slow ${slowMs} ms vs v2 ${v2Ms} ms`);
  });
});
