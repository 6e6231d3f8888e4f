// `meridian deploy` arguments, checked completely before any network call: a typo in a region
// list should cost a second, not a rollout.
import type { DeployRequest } from '../api/contract.js';
import { MeridianError } from '../core/errors.js';
import { intFlag } from '../config/flags.js';
import { parseRegionList } from '../config/region-list.js';
import type { RegionCatalog } from '../config/regions/catalog.js';
import { modelVersionArg, noExtraArgs, onFailureFlag, parallelFlag } from './args.js';
import { strategyFromFlags, type StrategyFlags } from './strategy-flags.js';

export interface DeployFlags extends StrategyFlags {
  regions?: string | undefined;
  parallel?: string | undefined;
  waves?: string | undefined;
  'on-failure'?: string | undefined;
  replicas?: string | undefined;
}

/** Most replicas per region the CLI asks for; the server has the final word. */
const MAX_REPLICAS = 64;

/** `"a;b,c"` → `[["a"], ["b","c"]]`: waves split by semicolons, regions by commas. */
export function parseWaves(raw: string, catalog: RegionCatalog): string[][] {
  const parts = raw.split(';').map((s) => s.trim());
  const empty = parts.findIndex((p) => p === '');
  if (empty >= 0) {
    throw new MeridianError('USAGE', `--waves: wave ${empty + 1} of "${raw}" is empty; separate waves with one semicolon and leave none empty, e.g. --waves "us-east-1;eu-west-1,eu-central-1"`);
  }
  const waves = parts.map((p) => parseRegionList(p, catalog, [], 'waves'));
  const where = new Map<string, number>();
  waves.forEach((w, i) =>
    w.forEach((region) => {
      const earlier = where.get(region);
      if (earlier !== undefined) throw new MeridianError('USAGE', `--waves: region "${region}" is in waves ${earlier + 1} and ${i + 1}; put each region in exactly one wave`);
      where.set(region, i);
    }),
  );
  return waves;
}

/** The model, version and request of a deploy, or a USAGE / REGION_UNKNOWN error. */
export function parseDeployArgs(f: DeployFlags, positionals: readonly string[], catalog: RegionCatalog): { model: string; request: DeployRequest } {
  if (f.parallel !== undefined && f.waves !== undefined) {
    throw new MeridianError('USAGE', '--parallel and --waves cannot be used together: --waves already says which regions change together; drop one of them');
  }
  // Regions first: `--regions a b iris:v2` leaves `b` among the positionals, and the helpful
  // message is about the space, not about an unexpected argument.
  const regions = f.regions !== undefined || f.waves === undefined ? parseRegionList(f.regions, catalog, positionals) : undefined;
  const waves = f.waves === undefined ? undefined : parseWaves(f.waves, catalog);
  if (regions !== undefined && waves !== undefined) {
    const inWaves = waves.flat();
    const missing = regions.filter((r) => !inWaves.includes(r));
    const extra = inWaves.filter((r) => !regions.includes(r));
    if (missing.length > 0 || extra.length > 0) {
      const diff = [missing.length > 0 ? `missing from --waves: ${missing.join(', ')}` : '', extra.length > 0 ? `not in --regions: ${extra.join(', ')}` : ''].filter((s) => s !== '').join('; ');
      throw new MeridianError('USAGE', `--waves must hold the same regions as --regions (${diff}); fix one of them, or leave out --regions`);
    }
  }
  const { model, version } = modelVersionArg(positionals[0]);
  noExtraArgs(positionals, 1, 'deploy');
  const request: DeployRequest = { version, regions: regions ?? (waves ?? []).flat() };
  if (waves !== undefined) request.waves = waves;
  const parallel = parallelFlag(f.parallel);
  if (parallel !== undefined) request.parallel = parallel;
  const onFailure = onFailureFlag(f['on-failure']);
  if (onFailure !== undefined) request.onFailure = onFailure;
  if (f.replicas !== undefined) request.replicas = intFlag('replicas', f.replicas, 1, 1, MAX_REPLICAS);
  const strategy = strategyFromFlags(f);
  if (strategy !== undefined) request.strategy = strategy;
  return { model, request };
}
