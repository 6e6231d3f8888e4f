// Checks a routing policy spec written by a person (manifest, CLI, API) before it is stored or
// published, so a typo fails at deploy time with a message naming the field and the fix, instead
// of misrouting traffic later.
import { MeridianError } from '../../core/errors.js';
import type { RoutingPolicySpec } from '../../core/routing-table.js';
import { GEOPROXIMITY_BIAS_LIMIT } from './geoproximity.js';
import { geoMatchKey, parseGeoMatch } from './geolocation.js';

/** The policy types, as written in `policy.type`. */
export const POLICY_TYPES = ['latency', 'geoproximity', 'geolocation', 'weighted', 'failover'] as const;

const FIELDS: Record<(typeof POLICY_TYPES)[number], readonly string[]> = {
  latency: ['type'],
  geoproximity: ['type', 'bias'],
  geolocation: ['type', 'rules'],
  weighted: ['type', 'weights'],
  failover: ['type', 'order'],
};

const LIST_REGIONS = '`meridian regions` lists them';

function fail(field: string, problem: string): never {
  throw new MeridianError('INVALID_ARGUMENT', `${field}: ${problem}`, { field });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a routing policy spec and returns it typed (a fresh copy holding only its fields).
 *
 * @param knownRegions whether a region code exists (e.g. `(c) => catalog.get(c) !== undefined`).
 * @throws MeridianError `INVALID_ARGUMENT` naming the field (`policy.weights["us-east-1"]`) and
 *         the fix: unknown type or field; bias outside −99…99 or for an unknown region; weights
 *         negative, all zero or for unknown regions; an empty or repetitive failover order;
 *         geolocation rules with a malformed or repeated `match`, or without regions.
 */
export function validatePolicySpec(spec: unknown, knownRegions: (code: string) => boolean): RoutingPolicySpec {
  if (!isRecord(spec)) fail('policy', 'expected an object such as {"type": "latency"}');
  const type = spec.type;
  if (typeof type !== 'string' || !(POLICY_TYPES as readonly string[]).includes(type)) {
    const what = type === undefined ? 'is missing' : `${JSON.stringify(type)} is not a routing policy`;
    fail('policy.type', `${what}; use one of ${POLICY_TYPES.join(', ')}`);
  }
  const allowed = FIELDS[type as (typeof POLICY_TYPES)[number]];
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      fail(`policy.${key}`, `a ${type} policy has no such field; remove it (${type} takes ${allowed.map((f) => `"${f}"`).join(', ')})`);
    }
  }
  const region = (field: string, code: unknown): string => {
    if (typeof code !== 'string') fail(field, `expected a region code such as "us-east-1", got ${JSON.stringify(code)}`);
    if (!knownRegions(code)) fail(field, `unknown region "${code}"; ${LIST_REGIONS}`);
    return code;
  };
  switch (type) {
    case 'latency':
      return { type };
    case 'geoproximity':
      return spec.bias === undefined ? { type } : { type, bias: readBias(spec.bias, region) };
    case 'weighted':
      return { type, weights: readWeights(spec.weights, region) };
    case 'failover':
      return { type, order: readRegionList('policy.order', spec.order, region, 'list the regions in the order traffic should fail over, e.g. ["us-east-1", "us-west-2"]') };
    case 'geolocation':
      return { type, rules: readRules(spec.rules, region) };
    default:
      return fail('policy.type', `${type} is listed in POLICY_TYPES but not validated; add it to validatePolicySpec`);
  }
}

type RegionReader = (field: string, code: unknown) => string;

function readBias(raw: unknown, region: RegionReader): Record<string, number> {
  if (!isRecord(raw)) fail('policy.bias', 'expected an object of region → bias, e.g. {"eu-west-1": 20}');
  const bias: Record<string, number> = {};
  for (const [code, value] of Object.entries(raw)) {
    const field = `policy.bias["${code}"]`;
    region(field, code);
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > GEOPROXIMITY_BIAS_LIMIT) {
      fail(field, `${JSON.stringify(value)} is not a bias; use a number from -${GEOPROXIMITY_BIAS_LIMIT} to ${GEOPROXIMITY_BIAS_LIMIT} (Route 53's range: positive grows the area the region serves, negative shrinks it)`);
    }
    bias[code] = value;
  }
  return bias;
}

function readWeights(raw: unknown, region: RegionReader): Record<string, number> {
  const example = 'e.g. {"us-east-1": 80, "eu-west-1": 20}';
  if (!isRecord(raw)) fail('policy.weights', `expected an object of region → weight, ${example}`);
  const entries = Object.entries(raw);
  if (entries.length === 0) fail('policy.weights', `is empty; give each region a share, ${example}`);
  const weights: Record<string, number> = {};
  for (const [code, value] of entries) {
    const field = `policy.weights["${code}"]`;
    region(field, code);
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `${JSON.stringify(value)} is not a number; weights are shares such as 80 and 20`);
    if (value < 0) fail(field, `${value} is negative; weights are shares ≥ 0 (0 sends a region no traffic while others are healthy)`);
    weights[code] = value;
  }
  if (Object.values(weights).every((w) => w === 0)) {
    fail('policy.weights', 'every weight is 0, so no region would get a share; give at least one region a weight above 0');
  }
  return weights;
}

function readRegionList(field: string, raw: unknown, region: RegionReader, fix: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0) fail(field, `${raw === undefined ? 'is missing' : 'must be a non-empty list'}; ${fix}`);
  const list: string[] = [];
  raw.forEach((code: unknown, i) => {
    const at = `${field}[${i}]`;
    const c = region(at, code);
    const earlier = list.indexOf(c);
    if (earlier >= 0) fail(at, `"${c}" is already listed at ${field}[${earlier}]; list each region once`);
    list.push(c);
  });
  return list;
}

function readRules(raw: unknown, region: RegionReader): { match: string; regions: string[] }[] {
  const example = '[{"match": "country:DE", "regions": ["eu-central-1"]}, {"match": "*", "regions": ["us-east-1"]}]';
  if (!Array.isArray(raw) || raw.length === 0) fail('policy.rules', `${raw === undefined ? 'is missing' : 'must be a non-empty list'}; e.g. ${example}`);
  const seen = new Map<string, number>();
  return raw.map((rule: unknown, i) => {
    const at = `policy.rules[${i}]`;
    if (!isRecord(rule)) fail(at, `expected {"match": ..., "regions": [...]}, e.g. ${example}`);
    const extra = Object.keys(rule).find((k) => k !== 'match' && k !== 'regions');
    if (extra !== undefined) fail(`${at}.${extra}`, 'a rule has no such field; a rule has only "match" and "regions"');
    const key = geoMatchKey(parseGeoMatch(rule.match, `${at}.match`));
    const earlier = seen.get(key);
    if (earlier !== undefined) fail(`${at}.match`, `"${key}" is already matched by policy.rules[${earlier}]; merge the two rules into one`);
    seen.set(key, i);
    const regions = readRegionList(`${at}.regions`, rule.regions, region, 'list the regions that serve these clients, preferred first');
    return { match: rule.match as string, regions };
  });
}
