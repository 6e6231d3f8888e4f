// Parse command-line flags at the boundary: unknown flags and bad values become USAGE errors that
// name the flag and say what to do.
import { parseArgs } from 'node:util';
import { MeridianError } from '../core/errors.js';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export function parseFlags<T extends FlagSpec>(argv: string[], spec: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: spec, allowPositionals, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new MeridianError('USAGE', `${msg.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
}

/** An integer flag: names the flag and the accepted range when the value is wrong. */
export function intFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new MeridianError('USAGE', `--${name}: "${raw}" is not a whole number between ${min} and ${max}`);
  }
  return v;
}

/** A non-negative number flag (e.g. milliseconds). */
export function numberFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new MeridianError('USAGE', `--${name}: "${raw}" is not a number between ${min} and ${max}`);
  }
  return v;
}

export function requireFlag(name: string, value: string | undefined, hint: string): string {
  if (value === undefined || value === '') {
    throw new MeridianError('USAGE', `--${name} is required: ${hint}`);
  }
  return value;
}
