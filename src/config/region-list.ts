// Parses a user's region list (`--regions us-east-1,eu-west-1`) into known region codes, with an
// error for each way people get it wrong that names the mistake and shows the fix.
import { MeridianError } from '../core/errors.js';
import type { RegionCatalog } from './regions/catalog.js';

/**
 * @param raw the flag's value
 * @param strays positional arguments that followed the flag: `--regions a b` leaves `b` here,
 *        which almost always means the user separated regions with a space.
 */
export function parseRegionList(raw: string | undefined, catalog: RegionCatalog, strays: readonly string[] = [], flag = 'regions'): string[] {
  if (raw === undefined || raw.trim() === '') {
    throw new MeridianError('USAGE', `--${flag} is empty; name at least one region, e.g. --${flag} us-east-1,eu-west-1 (\`meridian regions\` lists them)`);
  }
  const looksLikeRegions = strays.filter((s) => catalog.get(s.replace(/[[\],]/g, '')) !== undefined);
  if (looksLikeRegions.length > 0 || /\s/.test(raw.trim())) {
    const all = [...raw.trim().split(/[\s,]+/), ...looksLikeRegions].filter((s) => s !== '');
    throw new MeridianError('USAGE', `--${flag}: "${[raw, ...looksLikeRegions].join(' ')}" has a space; separate regions with commas: --${flag} ${all.join(',')}`);
  }
  if (/^\[.*\]$/.test(raw.trim()) || /["'[\]]/.test(raw)) {
    const clean = raw.replace(/["'[\]\s]/g, '');
    throw new MeridianError('USAGE', `--${flag}: "${raw}" is not a list format we read; write the regions separated by commas, without brackets or quotes: --${flag} ${clean}`);
  }
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) {
    throw new MeridianError('USAGE', `--${flag}: "${raw}" has an empty entry; remove the extra comma: --${flag} ${parts.filter((p) => p !== '').join(',')}`);
  }
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(p)) throw new MeridianError('USAGE', `--${flag}: region "${p}" is listed twice; list each region once`);
    seen.add(p);
  }
  const unknown = parts.filter((p) => catalog.get(p) === undefined);
  if (unknown.length > 0) {
    const hints = unknown.map((u) => {
      const s = catalog.suggest(u);
      return s.length > 0 ? `"${u}" (did you mean ${s.join(', ')}?)` : `"${u}"`;
    });
    throw new MeridianError('REGION_UNKNOWN', `--${flag}: unknown region ${hints.join(', ')}; run \`meridian regions\` to list all`, { unknown });
  }
  return parts;
}
