// The region catalog: validated once at load, then looked up by code, provider or jurisdiction.
// Validation is strict because a wrong entry fails late and far away: a zone with the wrong prefix
// breaks zone spreading, a wrong jurisdiction breaks residency rules, a swapped lat/lon sends
// latency routing to the other side of the planet.
import { MeridianError } from '../../core/errors.js';
import {
  CLOUD_PROVIDERS,
  CONTINENTS,
  JURISDICTIONS,
  jurisdictionOfCountry,
  type CloudProvider,
  type Jurisdiction,
  type Region,
} from '../../core/regions.js';
import { catalogData } from './catalog-data.js';
import { EntryReader } from './entry-reader.js';
import { closestNames, didYouMean } from './suggest.js';

/** The known regions. Immutable; build one with {@link loadRegionCatalog}. */
export interface RegionCatalog {
  /** Every region, in catalog order (AWS, then Google Cloud, then Azure). */
  all(): readonly Region[];
  /** The region with exactly this code, or undefined. Codes are case-sensitive, as providers spell them. */
  get(code: string): Region | undefined;
  /**
   * The region with this code.
   * @throws MeridianError `REGION_UNKNOWN` with up to three suggestions (`details.suggestions`).
   */
  require(code: string): Region;
  /** Up to three known codes closest to `code` across all providers, best first; [] if none is close. */
  suggest(code: string): string[];
  byProvider(provider: CloudProvider): readonly Region[];
  /** Regions whose data falls under `jurisdiction`. `EU` excludes UK, CH and NO regions. */
  byJurisdiction(jurisdiction: Jurisdiction): readonly Region[];
}

const FIELDS = ['code', 'provider', 'city', 'country', 'continent', 'jurisdiction', 'latitude', 'longitude', 'zones'];

/** How each provider spells region codes and zone names (the part of the zone name after the code). */
const NAMING: Record<CloudProvider, { code: RegExp; codeHint: string; zoneSuffix: RegExp; zoneHint: (code: string) => string }> = {
  aws: {
    code: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
    codeHint: 'AWS region codes look like us-east-1 or ap-southeast-2',
    zoneSuffix: /^[a-z]$/,
    zoneHint: (code) => `AWS zones are the region code plus one letter, e.g. ${code}a`,
  },
  gcp: {
    code: /^[a-z]+-[a-z]+\d$/,
    codeHint: 'Google Cloud region codes look like us-central1 or europe-west4',
    zoneSuffix: /^-[a-z]$/,
    zoneHint: (code) => `Google Cloud zones are the region code, a hyphen and one letter, e.g. ${code}-a`,
  },
  azure: {
    code: /^[a-z]+\d?$/,
    codeHint: 'Azure region codes are lower case without separators, like eastus or westus2',
    // 1-3: Azure's availability zone numbers; 0: our name for "this region has no zones".
    zoneSuffix: /^-[0-3]$/,
    zoneHint: (code) => `Azure zones are the region code, a hyphen and the zone number 1-3, e.g. ${code}-1 (or ${code}-0 alone for a region without zones)`,
  },
};

/**
 * Validates catalog data (the built-in catalog by default) and indexes it.
 *
 * @throws MeridianError `CATALOG_INVALID` naming the entry (index and code), the field and the fix.
 */
export function loadRegionCatalog(data: unknown = catalogData): RegionCatalog {
  if (!Array.isArray(data) || data.length === 0) {
    throw new MeridianError('CATALOG_INVALID', 'region catalog: expected a non-empty list of regions');
  }
  const regions: Region[] = [];
  const byCode = new Map<string, Region>();
  const zoneOwner = new Map<string, string>();
  data.forEach((raw: unknown, index) => {
    const entry = new EntryReader('region catalog', index, raw, 'code');
    const region = readRegion(entry);
    const earlier = byCode.get(region.code);
    if (earlier) entry.fail('code', `"${region.code}" is already used by entry #${regions.indexOf(earlier)}; region codes must be unique`);
    region.zones.forEach((zone, i) => {
      const owner = zoneOwner.get(zone);
      if (owner !== undefined) entry.fail(`zones[${i}]`, `"${zone}" is listed twice (also in ${owner}); zone names must be unique`);
      zoneOwner.set(zone, region.code);
    });
    regions.push(region);
    byCode.set(region.code, region);
  });
  return catalogOf(regions, byCode);
}

function readRegion(entry: EntryReader): Region {
  entry.onlyFields(FIELDS);
  const provider = entry.oneOf('provider', CLOUD_PROVIDERS);
  const naming = NAMING[provider];
  const code = entry.string('code', naming.code, naming.codeHint);
  const city = entry.string('city');
  const country = entry.string('country', /^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code in capitals, e.g. DE (GB for the United Kingdom)');
  const continent = entry.oneOf('continent', CONTINENTS);
  const jurisdiction = entry.oneOf('jurisdiction', JURISDICTIONS);
  const governing = jurisdictionOfCountry(country);
  if (governing === undefined) {
    entry.fail('country', `"${country}" has no jurisdiction Meridian knows; add it to JURISDICTIONS in src/core/regions.ts`);
  }
  if (governing !== jurisdiction) {
    entry.fail('jurisdiction', `"${jurisdiction}" is wrong for country ${country}: data stored there falls under ${governing}`);
  }
  const latitude = entry.number('latitude', -90, 90);
  const longitude = entry.number('longitude', -180, 180);
  const zones = entry.strings('zones');
  zones.forEach((zone, i) => {
    const field = `zones[${i}]`;
    if (!zone.startsWith(code)) entry.fail(field, `"${zone}" does not start with the region code "${code}"`);
    if (!naming.zoneSuffix.test(zone.slice(code.length))) entry.fail(field, `"${zone}" is malformed: ${naming.zoneHint(code)}`);
  });
  if (zones.length > 1 && zones.includes(`${code}-0`)) {
    entry.fail('zones', `"${code}-0" means "no availability zones" and must be the only zone`);
  }
  return Object.freeze({ code, provider, city, country, continent, jurisdiction, latitude, longitude, zones: Object.freeze(zones) });
}

function catalogOf(regions: readonly Region[], byCode: ReadonlyMap<string, Region>): RegionCatalog {
  const codes = regions.map((r) => r.code);
  const suggest = (code: string): string[] => closestNames(code, codes);
  return {
    all: () => regions,
    get: (code) => byCode.get(code),
    require(code) {
      const region = byCode.get(code);
      if (region) return region;
      const suggestions = suggest(code);
      throw new MeridianError(
        'REGION_UNKNOWN',
        `unknown region "${code}"${didYouMean(suggestions) || '.'} Run \`meridian regions\` to list all.`,
        { code, suggestions },
      );
    },
    suggest,
    byProvider: (provider) => regions.filter((r) => r.provider === provider),
    byJurisdiction: (jurisdiction) => regions.filter((r) => r.jurisdiction === jurisdiction),
  };
}
