// Waves: regions changed together; a wave starts only when the previous one is verified.
import { MeridianError } from '../core/errors.js';

/** `--parallel N`: cut the regions, in the order given, into waves of at most N. */
export function wavesOf(regions: readonly string[], parallel: number): string[][] {
  if (!Number.isInteger(parallel) || parallel < 1) throw new MeridianError('INVALID_ARGUMENT', `parallel: ${parallel} is not a whole number ≥ 1`);
  const waves: string[][] = [];
  for (let i = 0; i < regions.length; i += parallel) waves.push(regions.slice(i, i + parallel));
  return waves;
}

/** Explicit waves must name each region once and, when a region list is given too, exactly those regions. */
export function checkWaves(waves: readonly (readonly string[])[], regions?: readonly string[]): void {
  if (waves.length === 0 || waves.some((w) => w.length === 0)) throw new MeridianError('INVALID_ARGUMENT', 'waves: every wave needs at least one region, e.g. "us-east-1;eu-west-1,ap-southeast-1"');
  const flat = waves.flat();
  const seen = new Set<string>();
  for (const r of flat) {
    if (seen.has(r)) throw new MeridianError('INVALID_ARGUMENT', `waves: region "${r}" appears twice; list each region in one wave`);
    seen.add(r);
  }
  if (regions !== undefined) {
    const missing = regions.filter((r) => !seen.has(r));
    const extra = flat.filter((r) => !regions.includes(r));
    if (missing.length > 0 || extra.length > 0) {
      throw new MeridianError('INVALID_ARGUMENT', `waves must hold exactly the regions of --regions${missing.length > 0 ? `; missing ${missing.join(',')}` : ''}${extra.length > 0 ? `; not in --regions: ${extra.join(',')}` : ''}`);
    }
  }
}
