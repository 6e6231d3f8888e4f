// Turns a DeployRequest into a checked rollout plan — every problem found before anything starts:
// unknown model or version, unknown or duplicate regions, bad waves, residency violations.
import { ROLLOUT_DEFAULTS } from '../core/defaults.js';
import type { DeployRequest, OnFailure } from '../core/domain.js';
import { MeridianError } from '../core/errors.js';
import type { RegionCatalog } from '../config/regions/catalog.js';
import type { ModelVersionRecord } from '../store/models-repo.js';
import type { Store } from '../store/store.js';
import { checkWaves, wavesOf } from './waves.js';

export interface DeployPlan {
  version: ModelVersionRecord;
  waves: string[][];
  replicas: number;
  onFailure: OnFailure;
  previous: Record<string, string | null>;
}

export async function planDeploy(store: Store, catalog: RegionCatalog, model: string, req: DeployRequest): Promise<DeployPlan> {
  const version = await store.models.get(model, req.version);
  if (version === undefined) {
    const known = await store.models.versionsOf(model);
    throw new MeridianError(
      'MODEL_VERSION_UNKNOWN',
      known.length === 0 ? `unknown model "${model}"; push it first: meridian models push FILE --name ${model} --version ${req.version}` : `model "${model}" has no version "${req.version}"; known versions: ${known.join(', ')}`,
    );
  }
  if (req.regions.length === 0) throw new MeridianError('INVALID_ARGUMENT', 'regions: the list is empty; name at least one region');
  const seen = new Set<string>();
  for (const r of req.regions) {
    if (seen.has(r)) throw new MeridianError('INVALID_ARGUMENT', `regions: "${r}" is listed twice; list each region once`);
    seen.add(r);
    catalog.require(r);
  }
  if (req.waves !== undefined && req.parallel !== undefined) throw new MeridianError('INVALID_ARGUMENT', 'give either waves or parallel, not both');
  const waves = req.waves ?? wavesOf(req.regions, req.parallel ?? ROLLOUT_DEFAULTS.parallel);
  checkWaves(waves, req.regions);
  const replicas = req.replicas ?? ROLLOUT_DEFAULTS.replicas;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) throw new MeridianError('INVALID_ARGUMENT', `replicas: ${replicas} is not a whole number from 1 to 64`);
  checkResidency(catalog, model, version, req.regions);
  const placements = await store.rollouts.placements(model);
  const previous: Record<string, string | null> = {};
  for (const r of req.regions) previous[r] = placements.find((p) => p.region === r)?.version ?? null;
  return { version, waves, replicas, onFailure: req.onFailure ?? ROLLOUT_DEFAULTS.onFailure, previous };
}

/** A model restricted to jurisdictions may never run outside them: refuse up front, naming every offending region. */
export function checkResidency(catalog: RegionCatalog, model: string, version: ModelVersionRecord, regions: readonly string[]): void {
  const allowed = version.residency;
  if (allowed === null) return;
  const bad = regions.map((r) => catalog.require(r)).filter((r) => !allowed.includes(r.jurisdiction));
  if (bad.length === 0) return;
  const ok = catalog.all().filter((r) => allowed.includes(r.jurisdiction)).slice(0, 6).map((r) => r.code);
  throw new MeridianError(
    'RESIDENCY_VIOLATION',
    `${model}:${version.version} may only run in ${allowed.join(', ')}; not allowed: ${bad.map((r) => `${r.code} (${r.jurisdiction})`).join(', ')}. Deploy to regions in ${allowed.join('/')} only, e.g. ${ok.join(', ')}`,
    { regions: bad.map((r) => r.code) },
  );
}
