// `meridian regions`: the regions the control plane can deploy to, optionally filtered.
import type { RegionInfo } from '../../api/contract.js';
import { MeridianError } from '../../core/errors.js';
import { CLOUD_PROVIDERS, JURISDICTIONS } from '../../core/regions.js';
import { noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
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
  const cmd = parseOutputCommand(argv, HELP, { provider: { type: 'string' }, jurisdiction: { type: 'string' } });
  if (cmd === HELP_SHOWN) return 0;
  const { flags: f, positionals, output } = cmd;
  const provider = oneOf('provider', f.provider, CLOUD_PROVIDERS, (s) => s.toLowerCase());
  const jurisdiction = oneOf('jurisdiction', f.jurisdiction, JURISDICTIONS, (s) => s.toUpperCase());
  noExtraArgs(positionals, 0, 'regions');
  const list = (await apiClient().regions()).filter((r: RegionInfo) => (provider === undefined || r.provider === provider) && (jurisdiction === undefined || r.jurisdiction === jurisdiction));
  if (output === 'json') printJson(list);
  else if (list.length === 0) console.log('No region matches.');
  else console.log(formatTable(['CODE', 'PROVIDER', 'CITY', 'COUNTRY', 'JURISDICTION', 'ZONES'], list.map((r) => [r.code, r.provider, r.city, r.country, r.jurisdiction, r.zones.join(',')])).join('\n'));
  return 0;
}
