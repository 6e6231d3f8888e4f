// How an inference worker splits the group it was sent into onnxruntime runs: compatible requests
// merge in arrival order, never past the max batch size, and requests that cannot merge run alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBatches, type Job } from '../../src/serving/batch-runner.js';

const job = (rows: number, key: string | undefined): Job => ({ request: { inputs: [] }, rows, key });

describe('planBatches', () => {
  it('merges compatible jobs up to the max batch size, first fit, in arrival order', () => {
    const jobs = [job(10, 'a'), job(20, 'a'), job(5, 'a'), job(8, 'a'), job(30, 'a')];
    assert.deepEqual(planBatches(jobs, 32), [[0, 1], [2, 3], [4]]);
  });

  it('keeps different shapes, unmergeable jobs and failed decodes apart', () => {
    const jobs = [job(1, 'a'), job(1, 'b'), undefined, job(1, undefined), job(1, 'a'), job(1, undefined), job(1, 'b')];
    assert.deepEqual(planBatches(jobs, 32), [[0, 4], [1, 6], [3], [5]]);
  });

  it('runs a job larger than the max batch size alone rather than refusing it', () => {
    assert.deepEqual(planBatches([job(40, 'a'), job(1, 'a')], 32), [[0], [1]]);
  });
});
