// `meridian apply -f rollout.yaml`: a rollout written down (reviewable, kept in git) instead of
// typed as flags. The file names the model, version, regions or waves, failure mode and strategy;
// every field is checked here, with its path in the message.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { DeployRequest } from '../core/domain.js';
import { MeridianError } from '../core/errors.js';
import { parseStrategy } from './strategy-spec.js';

export const MANIFEST_EXAMPLE = `apiVersion: meridian/v1
kind: Rollout
model: iris
version: v2
regions: [us-east-1, eu-west-1]     # or waves: [[us-east-1], [eu-west-1]]
onFailure: rollback                 # or halt
strategy:
  type: canary
  steps:
    - { weight: 5, bakeSeconds: 30 }
    - { weight: 25, bakeSeconds: 30 }
    - { weight: 100 }
  analysis: { maxErrorRate: 0.01 }`;

const FIELDS = ['apiVersion', 'kind', 'model', 'version', 'regions', 'waves', 'parallel', 'onFailure', 'replicas', 'strategy'];

const bad = (field: string, message: string): MeridianError => new MeridianError('INVALID_ARGUMENT', `${field}: ${message}`);

function strings(raw: unknown, field: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((x) => typeof x === 'string' && x !== '')) throw bad(field, 'must be a non-empty list of region codes, e.g. [us-east-1, eu-west-1]');
  return raw as string[];
}

/** The model and deploy request a manifest's text describes. `source` names the file in messages. */
export function parseRolloutManifest(text: string, source: string): { model: string; request: DeployRequest } {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos !== undefined ? ` (line ${e.linePos[0].line})` : '';
    throw new MeridianError('INVALID_ARGUMENT', `${source}: not valid YAML${where}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new MeridianError('INVALID_ARGUMENT', `${source}: expected a mapping like:\n${MANIFEST_EXAMPLE}`);
  const o = doc as Record<string, unknown>;
  const at = (f: string): string => `${source}: ${f}`;
  for (const k of Object.keys(o)) if (!FIELDS.includes(k)) throw bad(at(k), `unknown field; a rollout has ${FIELDS.join(', ')}`);
  if (o.apiVersion !== undefined && o.apiVersion !== 'meridian/v1') throw bad(at('apiVersion'), `${JSON.stringify(o.apiVersion)} is not supported; write meridian/v1`);
  if (o.kind !== undefined && o.kind !== 'Rollout') throw bad(at('kind'), `${JSON.stringify(o.kind)} is not supported; write Rollout`);
  if (typeof o.model !== 'string' || o.model === '') throw bad(at('model'), 'required: the model name, e.g. iris');
  if (typeof o.version !== 'string' || o.version === '') throw bad(at('version'), 'required: the version to roll out, e.g. v2');
  const waves = o.waves === undefined ? undefined : Array.isArray(o.waves) ? o.waves.map((w, i) => strings(w, at(`waves[${i}]`))) : (() => { throw bad(at('waves'), 'must be a list of lists of regions, e.g. [[us-east-1], [eu-west-1, eu-central-1]]'); })();
  if (o.regions === undefined && waves === undefined) throw bad(at('regions'), 'required (or waves): where to roll out');
  const regions = o.regions === undefined ? waves!.flat() : strings(o.regions, at('regions'));
  const request: DeployRequest = { version: o.version, regions };
  if (waves !== undefined) request.waves = waves;
  if (o.parallel !== undefined) {
    if (typeof o.parallel !== 'number' || !Number.isInteger(o.parallel) || o.parallel < 1) throw bad(at('parallel'), 'must be a whole number ≥ 1');
    request.parallel = o.parallel;
  }
  if (o.onFailure !== undefined) {
    if (o.onFailure !== 'halt' && o.onFailure !== 'rollback') throw bad(at('onFailure'), `${JSON.stringify(o.onFailure)} is not halt or rollback`);
    request.onFailure = o.onFailure;
  }
  if (o.replicas !== undefined) {
    if (typeof o.replicas !== 'number' || !Number.isInteger(o.replicas) || o.replicas < 1) throw bad(at('replicas'), 'must be a whole number ≥ 1');
    request.replicas = o.replicas;
  }
  if (o.strategy !== undefined) request.strategy = parseStrategy(o.strategy, at('strategy'));
  return { model: o.model, request };
}
