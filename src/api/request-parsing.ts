import { parseStrategy } from '../config/strategy-spec.js';
// Parse at the boundary: request bodies, query strings and path parameters become typed values
// here, with 400s that name the field, before the service sees anything.
import type { DeployRequest, OnFailure, Role } from '../core/domain.js';
import { MeridianError } from '../core/errors.js';
import { JURISDICTIONS } from '../core/regions.js';
import type { DrillRequest, EventQuery, RollbackRequest } from '../rollout/service.js';
import { BodyReader } from './body-reader.js';
import { checkName } from '../core/names.js';
import type { CreateTokenRequest } from './requests.js';

const ON_FAILURE: readonly OnFailure[] = ['halt', 'rollback'];
const ROLES: readonly Role[] = ['viewer', 'deployer', 'admin'];
/** The same bound the CLI's `up --replicas` uses: a region is a handful of processes per zone. */
const MAX_REPLICAS = 64;
const MAX_PARALLEL = 1000;
const REGIONS_EXAMPLE = ['us-east-1', 'eu-west-1'];

/** `POST /api/v1/models/{model}/rollouts`. */
/** `GET /api/v1/models/{model}/metrics?window=300&bucket=5` (seconds). */
export function readMetricsQuery(q: URLSearchParams): { windowSeconds: number; bucketSeconds: number } {
  for (const k of q.keys()) if (k !== 'window' && k !== 'bucket') throw new MeridianError('INVALID_ARGUMENT', `query parameter "${k}" is not known here; use window=SECONDS and bucket=SECONDS`);
  const num = (k: string, fallback: number, min: number, max: number): number => {
    const raw = q.get(k);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new MeridianError('INVALID_ARGUMENT', `${k}: "${raw}" is not a whole number of seconds from ${min} to ${max}`);
    return n;
  };
  const windowSeconds = num('window', 300, 10, 600);
  const bucketSeconds = num('bucket', Math.max(1, Math.round(windowSeconds / 60)), 1, windowSeconds);
  return { windowSeconds, bucketSeconds };
}

export function readDeployRequest(body: unknown): DeployRequest {
  const r = new BodyReader('body', body, ['version', 'regions', 'waves', 'parallel', 'onFailure', 'replicas', 'strategy'], '{"version":"v2","regions":["us-east-1","eu-west-1"]}');
  const req: DeployRequest = { version: checkName('body.version', r.string('version', 'v2')), regions: r.stringList('regions', REGIONS_EXAMPLE) };
  if (r.has('waves')) req.waves = r.stringLists('waves', [['us-east-1'], ['eu-west-1']]);
  if (r.has('parallel')) req.parallel = r.int('parallel', 1, MAX_PARALLEL);
  if (r.has('onFailure')) req.onFailure = r.oneOf('onFailure', ON_FAILURE);
  if (r.has('replicas')) req.replicas = r.int('replicas', 1, MAX_REPLICAS);
  if (r.has('strategy')) req.strategy = parseStrategy((body as { strategy?: unknown }).strategy, 'body.strategy');
  if (req.waves !== undefined && req.parallel !== undefined) {
    throw new MeridianError('INVALID_ARGUMENT', 'body: give either "waves" or "parallel", not both; waves already say which regions change together');
  }
  if (req.waves !== undefined) checkWavesCoverRegions(req.waves, req.regions);
  return req;
}

function checkWavesCoverRegions(waves: string[][], regions: string[]): void {
  const inWaves = waves.flat();
  const twice = inWaves.find((x, i) => inWaves.indexOf(x) !== i);
  if (twice !== undefined) throw new MeridianError('INVALID_ARGUMENT', `body.waves: region "${twice}" is in more than one wave; put each region in exactly one wave`);
  const missing = regions.filter((x) => !inWaves.includes(x));
  const extra = inWaves.filter((x) => !regions.includes(x));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `not in body.regions: ${extra.join(', ')}` : ''].filter((s) => s !== '');
    throw new MeridianError('INVALID_ARGUMENT', `body.waves: must hold exactly the regions of body.regions (${parts.join('; ')})`);
  }
}

/** `POST /api/v1/models/{model}/rollback`; an empty body means "every region, defaults". */
export function readRollbackRequest(body: unknown): RollbackRequest {
  if (body === undefined) return {};
  const r = new BodyReader('body', body, ['regions', 'parallel', 'onFailure'], '{"regions":["eu-west-1"]}');
  const req: RollbackRequest = {};
  if (r.has('regions')) req.regions = r.stringList('regions', REGIONS_EXAMPLE);
  if (r.has('parallel')) req.parallel = r.int('parallel', 1, MAX_PARALLEL);
  if (r.has('onFailure')) req.onFailure = r.oneOf('onFailure', ON_FAILURE);
  return req;
}

const DRILL_MODES: readonly DrillRequest['mode'][] = ['kill', 'freeze', 'restore'];

/** `POST /api/v1/drills`. */
export function readDrillRequest(body: unknown): DrillRequest {
  const r = new BodyReader('body', body, ['region', 'zone', 'replicaId', 'mode'], '{"region":"eu-west-1","mode":"kill"}');
  const req: DrillRequest = { region: r.string('region', 'eu-west-1'), mode: r.oneOf('mode', DRILL_MODES) };
  if (r.has('zone')) req.zone = r.string('zone', 'eu-west-1a');
  if (r.has('replicaId')) req.replicaId = r.string('replicaId', 'eu-west-1/iris:v2/0');
  return req;
}

/** `POST /api/v1/tokens`. */
export function readCreateToken(body: unknown): CreateTokenRequest {
  const r = new BodyReader('body', body, ['name', 'role'], '{"name":"ci","role":"deployer"}');
  const name = r.string('name', 'ci');
  if (name.length > 64 || /[\p{Cc}]/u.test(name)) {
    throw new MeridianError('INVALID_ARGUMENT', 'body.name: at most 64 characters without control characters, e.g. "ci" or "alice@example.com"');
  }
  return { name, role: r.oneOf('role', ROLES) };
}

/** `?residency=EU,UK` of a push: null when absent (the model may run anywhere). */
export function readResidency(raw: string | null): string[] | null {
  if (raw === null) return null;
  const parts = raw.split(',').map((s) => s.trim());
  const bad = parts.filter((p) => !(JURISDICTIONS as readonly string[]).includes(p));
  if (raw.trim() === '' || bad.length > 0) {
    throw new MeridianError('INVALID_ARGUMENT', `residency: ${raw.trim() === '' ? 'is empty' : `unknown jurisdiction ${bad.map((b) => `"${b}"`).join(', ')}`}; use comma-separated codes from ${JURISDICTIONS.join(', ')} (EU excludes UK, CH and NO), or leave it out to allow every region`);
  }
  return [...new Set(parts)];
}

/** A numeric id in a path or query, e.g. a rollout or token id. */
export function readId(field: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    throw new MeridianError('INVALID_ARGUMENT', `${field}: "${raw}" is not an id; ids are whole numbers from 1 (\`meridian history MODEL\` lists rollout ids)`);
  }
  return n;
}

/**
 * The filters of `GET /api/v1/events` and its stream. Unknown parameters are refused: a misspelt
 * filter would otherwise silently return everything.
 */
export function readEventQuery(q: URLSearchParams, maxLimit: number | null): EventQuery {
  const allowed = maxLimit === null ? ['after', 'model', 'region', 'rollout'] : ['after', 'model', 'region', 'rollout', 'limit'];
  for (const k of q.keys()) {
    if (!allowed.includes(k)) throw new MeridianError('INVALID_ARGUMENT', `query parameter "${k}" is not known here; the parameters are ${allowed.join(', ')}`);
  }
  const out: EventQuery = {};
  const after = q.get('after');
  if (after !== null && after !== '') {
    if (!/^\d+$/.test(after)) throw new MeridianError('INVALID_ARGUMENT', `after: "${after}" is not an event id; use a whole number ≥ 0 (0 = from the start)`);
    out.afterId = Number(after);
  }
  const model = q.get('model');
  if (model !== null) out.model = checkName('model', model);
  const region = q.get('region');
  if (region !== null) out.region = region;
  const rollout = q.get('rollout');
  if (rollout !== null) out.rolloutId = readId('rollout', rollout);
  const limit = q.get('limit');
  if (limit !== null && maxLimit !== null) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > maxLimit) throw new MeridianError('INVALID_ARGUMENT', `limit: "${limit}" must be a whole number from 1 to ${maxLimit}; page with "after" for more`);
    out.limit = n;
  }
  return out;
}
