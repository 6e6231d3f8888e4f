// `meridian regions`: the regions the control plane can deploy to, optionally filtered.
import type { RegionInfo } from '../../api/contract.js';
import { MeridianError } from '../../core/errors.js';
import { CLOUD_PROVIDERS, JURISDICTIONS } from '../../core/regions.js';
import { parseFlags } from '../../config/flags.js';
import { noExtraArgs, outputFlag } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { formatTable } from '../render/table.js';

const HELP = `Usage: meridian regions [--provider aws|gcp|azure] [--jurisdiction EU] [--output json]

Regions the control plane can deploy to: code, provider, city, country, jurisdiction (the law
data-residency rules name; EU excludes UK, CH and NO) and zones.`;

function oneOf(flag: string, raw: string | undefined, allowed: readonly string[], normalise: (s: string) => string): string | undefined {
  if (raw === undefined) return undefined;
  const v = normalise(raw.trim());
  if (!allowed.includes(v)) throw new MeridianError('USAGE', `--${flag}: "${raw}" is not one of ${allowed.join(', ')}`);
  return v;
}

export async function main(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseFlags(argv, { provider: { type: 'string' }, jurisdiction: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, true);
  if (f.help === true) {
    console.log(HELP);
    return 0;
  }
  const output = outputFlag(f.output);
  const provider = oneOf('provider', f.provider, CLOUD_PROVIDERS, (s) => s.toLowerCase());
  const jurisdiction = oneOf('jurisdiction', f.jurisdiction, JURISDICTIONS, (s) => s.toUpperCase());
  noExtraArgs(positionals, 0, 'regions');
  const list = (await apiClient().regions()).filter((r: RegionInfo) => (provider === undefined || r.provider === provider) && (jurisdiction === undefined || r.jurisdiction === jurisdiction));
  if (output === 'json') printJson(list);
  else if (list.length === 0) console.log('No region matches.');
  else console.log(formatTable(['CODE', 'PROVIDER', 'CITY', 'COUNTRY', 'JURISDICTION', 'ZONES'], list.map((r) => [r.code, r.provider, r.city, r.country, r.jurisdiction, r.zones.join(',')])).join('\n'));
  return 0;
}
