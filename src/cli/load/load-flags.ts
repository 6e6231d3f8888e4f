// The flags `meridian load` and `meridian drill outage` share, parsed into a LoadPlan. Every
// mistake is a USAGE error (exit 2) that names the flag and the accepted values.
import { MeridianError } from '../../core/errors.js';
import { parseLatLon } from '../../core/geo.js';
import type { LatLon } from '../../core/regions.js';
import { intFlag, numberFlag, requireFlag, type FlagSpec } from '../../config/flags.js';
import { nameArg } from '../args.js';

/** Above this the generator itself (one Node thread) becomes the bottleneck; see the send lag. */
export const MAX_RPS = 5000;
/** Every request is kept in memory for the report: 10 minutes at 5000 rps is 3 M records. */
export const MAX_DURATION_S = 600;
/**
 * Above the router's own 10 s deadline (src/router/engine/settings.ts) and at Envoy's 15 s route
 * timeout, so a slow answer from the router is seen as the router's answer, not a client timeout.
 */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Both commands parse these with parseOutputCommand, which adds --output and --help. */
export const LOAD_FLAGS = {
  model: { type: 'string' },
  rps: { type: 'string' },
  duration: { type: 'string' },
  from: { type: 'string', multiple: true },
  country: { type: 'string' },
  router: { type: 'string' },
  'timeout-ms': { type: 'string' },
} as const satisfies FlagSpec;

/** What to send, how fast and for how long; the router URL is resolved separately. */
export interface LoadPlan {
  model: string;
  rps: number;
  durationS: number;
  /** Client locations the requests rotate over (Meridian-Client-Location); empty: none sent. */
  from: LatLon[];
  /** Meridian-Client-Country on every request, upper case. */
  country?: string;
  timeoutMs: number;
}

interface LoadFlagValues {
  model?: string;
  rps?: string;
  duration?: string;
  from?: string[];
  country?: string;
  'timeout-ms'?: string;
}

/** `--from LAT,LON`, repeatable; a bad value names the flag (exit 2). */
export function parseFromFlags(raw: readonly string[] | undefined): LatLon[] {
  return (raw ?? []).map((s) => parseLatLon(s, '--from'));
}

/** `--country CC`: two letters; the router checks that the code exists. */
export function parseCountryFlag(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const cc = raw.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc)) throw new MeridianError('USAGE', `--country: "${raw}" is not a two-letter ISO 3166-1 country code, e.g. --country DE`);
  return cc;
}

/** The shared flags, validated; `minDurationS` is stricter for drills (they need time for phases). */
export function loadPlanOf(f: LoadFlagValues, command: string, minDurationS: number): LoadPlan {
  const model = nameArg('--model', requireFlag('model', f.model, `the model to send requests to, e.g. meridian ${command} --model iris`));
  const rps = intFlag('rps', requireFlag('rps', f.rps, `requests per second, e.g. --rps 100`), 0, 1, MAX_RPS);
  const durationS = numberFlag('duration', requireFlag('duration', f.duration, `seconds of load, e.g. --duration 10`), 0, minDurationS, MAX_DURATION_S);
  const country = parseCountryFlag(f.country);
  return {
    model,
    rps,
    durationS,
    from: parseFromFlags(f.from),
    ...(country !== undefined ? { country } : {}),
    timeoutMs: intFlag('timeout-ms', f['timeout-ms'], DEFAULT_TIMEOUT_MS, 1, 600_000),
  };
}

/** A location as the header and the reports write it: `50.11,8.68`. */
export function formatLatLon(p: LatLon): string {
  return `${p.latitude},${p.longitude}`;
}
