// Reads a classifier's answers out of sampled OIP outputs: per row, the top class and the score
// vector. Routers keep only the first few values of each output, so a sample holds the first rows
// of its request (all of a one-row request); partial rows are dropped.
import type { AnalysisSample, SampledTensor } from './types.js';

export interface Predictions {
  /** Top class per row: the integer label output when the model has one, else argmax of the scores. */
  labels: number[];
  /** Score vector per complete row of the score output. */
  scores: number[][];
}

const INTEGER = /^U?INT(8|16|32|64)$/;
const FLOAT = /^FP(16|32|64)$/;

/** A 2xx answer; anything else carries no outputs worth judging. */
export function isSuccess(sample: AnalysisSample): boolean {
  return sample.status >= 200 && sample.status < 300;
}

/** The label and score rows of one sample; empty for failed requests. */
export function predictionsOf(sample: AnalysisSample): Predictions {
  if (!isSuccess(sample)) return { labels: [], scores: [] };
  const scores = scoreRows(scoreTensor(sample.outputs));
  const labelTensor = sample.outputs.find((t) => INTEGER.test(t.datatype));
  const labels = labelTensor !== undefined ? labelTensor.data.filter(isWhole) : scores.filter((row) => row.length > 1).map(argmax);
  return { labels, scores };
}

/** Rows of many samples, concatenated. */
export function predictionsOfAll(samples: readonly AnalysisSample[]): Predictions {
  const out: Predictions = { labels: [], scores: [] };
  for (const s of samples) {
    const p = predictionsOf(s);
    out.labels.push(...p.labels);
    out.scores.push(...p.scores);
  }
  return out;
}

/**
 * The floating-point output that holds class scores: one named like probabilities or scores when
 * there is one (a model may also return raw logits), else the first floating-point output.
 */
function scoreTensor(outputs: readonly SampledTensor[]): SampledTensor | undefined {
  const floats = outputs.filter((t) => FLOAT.test(t.datatype));
  return floats.find((t) => /prob|score/i.test(t.name)) ?? floats[0];
}

function scoreRows(t: SampledTensor | undefined): number[][] {
  if (t === undefined) return [];
  const values = t.data.map((v) => (typeof v === 'number' ? v : NaN));
  // [batch, classes]: rows of the last dimension; a rank-1 output is one score per row.
  const width = t.shape.length >= 2 ? (t.shape[t.shape.length - 1] ?? 1) : 1;
  if (!(width >= 1)) return [];
  const rows: number[][] = [];
  for (let r = 0; (r + 1) * width <= values.length; r++) rows.push(values.slice(r * width, (r + 1) * width));
  return rows.filter((row) => row.every(Number.isFinite));
}

function isWhole(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** First index of the largest value, as ONNX ArgMax. */
export function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}
