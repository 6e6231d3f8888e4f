// Command-line pieces several commands share: --output, MODEL and MODEL:VERSION arguments, and
// the rollout flags of deploy and rollback. Each mistake becomes a USAGE error (exit 2) that names
// the flag and shows the fix.
import type { OnFailure } from '../api/contract.js';
import { checkName } from '../core/names.js';
import { MeridianError, isMeridianError } from '../core/errors.js';

export type OutputFormat = 'text' | 'json';

export function outputFlag(raw: string | undefined): OutputFormat {
  if (raw === undefined || raw === 'text') return 'text';
  if (raw === 'json') return 'json';
  throw new MeridianError('USAGE', `--output: "${raw}" is not a format we write; use --output json, or leave it out for tables`);
}

/** Refuses positional arguments beyond the `expected` ones. */
export function noExtraArgs(positionals: readonly string[], expected: number, command: string): void {
  const extra = positionals[expected];
  if (extra !== undefined) throw new MeridianError('USAGE', `unexpected argument "${extra}"; see meridian ${command} --help`);
}

/** A model or version name check whose failure is a usage error (exit 2), not a server-side 400. */
export function nameArg(field: string, value: string): string {
  try {
    return checkName(field, value);
  } catch (e) {
    throw isMeridianError(e) ? new MeridianError('USAGE', e.message) : e;
  }
}

/** The MODEL argument of rollback, history, status. */
export function modelArg(raw: string | undefined, command: string, example: string): string {
  if (raw === undefined) throw new MeridianError('USAGE', `missing MODEL; e.g. meridian ${command} ${example}`);
  if (raw.includes(':')) throw new MeridianError('USAGE', `MODEL: "${raw}" names a version; meridian ${command} takes the model alone, e.g. meridian ${command} ${raw.split(':')[0] ?? ''}`);
  return nameArg('MODEL', raw);
}

/** `iris:v2` of `meridian deploy`. */
export function modelVersionArg(raw: string | undefined): { model: string; version: string } {
  const example = 'meridian deploy iris:v2 --regions us-east-1,eu-west-1';
  if (raw === undefined) throw new MeridianError('USAGE', `missing MODEL:VERSION; e.g. ${example}`);
  const parts = raw.split(':');
  if (parts.length === 1) throw new MeridianError('USAGE', `MODEL:VERSION: "${raw}" has no version; write ${raw}:VERSION, e.g. ${raw}:v2 (\`meridian models list\` shows the versions)`);
  if (parts.length > 2 || parts[0] === '' || parts[1] === '') {
    throw new MeridianError('USAGE', `MODEL:VERSION: "${raw}" is not MODEL:VERSION; write the model and the version with one colon, e.g. ${example}`);
  }
  return { model: nameArg('MODEL', parts[0] ?? ''), version: nameArg('VERSION', parts[1] ?? '') };
}

export function onFailureFlag(raw: string | undefined): OnFailure | undefined {
  if (raw === undefined || raw === 'halt' || raw === 'rollback') return raw;
  throw new MeridianError('USAGE', `--on-failure: "${raw}" must be halt (stop before the next wave; verified regions keep the new version) or rollback (return every region of the rollout to the previous version)`);
}

/** `--parallel N`: how many regions change at once. */
export function parallelFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new MeridianError('USAGE', `--parallel: "${raw}" is not a whole number ≥ 1; it is how many regions change at once, e.g. --parallel 2`);
  }
  return n;
}
