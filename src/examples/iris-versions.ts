// The two published iris versions: one fixed split shared by both (so their held-out accuracies
// compare like with like), each recipe trained and measured on the float32 weights it exports.
import { loadIris, stratifiedSplit, type IrisData, type IrisSplit } from './iris-data.js';
import type { IrisTrainingReport } from './iris-model.js';
import { irisAccuracy, type IrisParams } from './iris-predict.js';
import { mulberry32 } from './prng.js';
import { IRIS_V1, IRIS_V2, trainIris, type IrisRecipe } from './train-iris.js';

/** 80/20 per class: 120 training rows, 30 held-out rows (10 of each species). */
export const IRIS_TEST_FRACTION = 0.2;
export const IRIS_SPLIT_SEED = 42;
export const IRIS_RECIPES: readonly IrisRecipe[] = [IRIS_V1, IRIS_V2];

export interface TrainedIris {
  readonly recipe: IrisRecipe;
  readonly params: IrisParams;
  readonly report: IrisTrainingReport;
  readonly data: IrisData;
  readonly split: IrisSplit;
}

export function irisSplit(data: IrisData): IrisSplit {
  return stratifiedSplit(data.labels, IRIS_TEST_FRACTION, mulberry32(IRIS_SPLIT_SEED));
}

export function trainIrisVersion(recipe: IrisRecipe): TrainedIris {
  const data = loadIris();
  const split = irisSplit(data);
  const params = trainIris(data, split, recipe);
  const report: IrisTrainingReport = {
    trainAccuracy: irisAccuracy(params, data.rows, data.labels, split.train),
    testAccuracy: irisAccuracy(params, data.rows, data.labels, split.test),
    trainRows: split.train.length,
    testRows: split.test.length,
    trainingSeed: recipe.seed,
    splitSeed: IRIS_SPLIT_SEED,
  };
  return { recipe, params, report, data, split };
}
