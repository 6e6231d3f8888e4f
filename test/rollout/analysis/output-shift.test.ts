// output-shift and the reading of sampled outputs, on crafted classifier answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeOutputShift, predictionsOf, resolveAnalysis, type AnalysisSample } from '../../../src/rollout/analysis/index.js';
import { mulberry32 } from '../../../src/examples/prng.js';
import { classifierOutputs, sample, samples } from './samples.js';

const defaults = resolveAnalysis();

/** Three equally common classes; each answer confident, the runner-up always the next class. */
const ANSWERS: readonly (readonly number[])[] = [
  [0.9, 0.08, 0.02],
  [0.02, 0.9, 0.08],
  [0.08, 0.02, 0.9],
];

function answering(count: number, pick: (i: number) => readonly number[]): AnalysisSample[] {
  return samples(count, (i) => ({ outputs: classifierOutputs(pick(i)) }));
}

const baseline = answering(300, (i) => ANSWERS[i % 3]!);

describe('reading sampled outputs', () => {
  it('takes labels from the integer output and the complete rows of the score output', () => {
    // A 3-row request truncated by the router to 8 values per output: 2 complete score rows.
    const s = sample({
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [3, 3], data: [0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.5, 0.5] },
        { name: 'label', datatype: 'INT64', shape: [3], data: [2, 0, 0] },
      ],
    });
    assert.deepEqual(predictionsOf(s), { labels: [2, 0, 0], scores: [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]] });
  });

  it('falls back to argmax of the probabilities, prefers them over logits, and reads nothing from errors', () => {
    const s = sample({
      outputs: [
        { name: 'logits', datatype: 'FP32', shape: [1, 3], data: [9, 1, 1] },
        { name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: [0.2, 0.7, 0.1] },
      ],
    });
    assert.deepEqual(predictionsOf(s), { labels: [1], scores: [[0.2, 0.7, 0.1]] });
    assert.deepEqual(predictionsOf(sample({ status: 502 })), { labels: [], scores: [] });
  });
});

describe('output-shift judge', () => {
  it('passes a slightly different good model: same classes, confidences spread alike, each a little apart', () => {
    // Top score uniform in [0.6, 0.99], the rest split 2:1 to the next class; the candidate's top
    // scores are 0.02 lower (a retrain a touch less sure of itself).
    const spread = (seed: number, offset: number) => {
      const rng = mulberry32(seed);
      return answering(300, (i) => {
        const top = 0.6 + 0.39 * rng() - offset;
        const row = [0, 0, 0];
        row[i % 3] = top;
        row[(i + 1) % 3] = ((1 - top) * 2) / 3;
        row[(i + 2) % 3] = (1 - top) / 3;
        return row;
      });
    };
    const v = judgeOutputShift(spread(1, 0.02), spread(2, 0), defaults);
    assert.equal(v.result, 'pass', v.reason);
    assert.equal(v.measured.classShift, 0);
    assert.equal(v.measured.rankShift, 0);
  });

  it('fails a model that answers one class far more often', () => {
    const candidate = answering(300, (i) => ANSWERS[i % 5 < 3 ? 0 : i % 3]!);
    const v = judgeOutputShift(candidate, baseline, defaults);
    assert.equal(v.result, 'fail');
    assert.match(v.reason, /class shares moved by 0\.\d+ > 0\.2/);
  });

  it('fails a model with permuted classes although its class shares and score values are unchanged', () => {
    // Each column holds the same values as the baseline's, in the same shares; only the runner-up
    // is now the previous class instead of the next one.
    const swapped = [
      [0.9, 0.02, 0.08],
      [0.08, 0.9, 0.02],
      [0.02, 0.08, 0.9],
    ];
    const v = judgeOutputShift(answering(300, (i) => swapped[i % 3]!), baseline, defaults);
    assert.equal(v.measured.classShift, 0);
    assert.equal(v.measured.scorePsi, 0);
    assert.equal(v.result, 'fail', v.reason);
    assert.match(v.reason, /\(top, runner-up\) class pairs moved by 1 > 0\.3/);
  });

  it('fails a miscalibrated model: same top classes, much less confident', () => {
    const candidate = answering(300, (i) => ANSWERS[i % 3]!.map((p) => (p === 0.9 ? 0.5 : p === 0.08 ? 0.3 : 0.2)));
    const v = judgeOutputShift(candidate, baseline, defaults);
    assert.equal(v.result, 'fail');
    assert.match(v.reason, /score column \d shifted: PSI \d/);
  });

  it('is inconclusive when failed requests leave too few answered rows', () => {
    const candidate = [...answering(150, (i) => ANSWERS[i % 3]!), ...samples(150, () => ({ status: 500 }))];
    const v = judgeOutputShift(candidate, baseline, defaults);
    assert.equal(v.result, 'inconclusive');
    assert.match(v.reason, /only 150 candidate and 300 baseline answered rows with sampled outputs; need 200 of each/);
    assert.equal(judgeOutputShift([], [], defaults).result, 'inconclusive');
  });
});
