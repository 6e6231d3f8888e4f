// Countries and their continents: what geolocation routing matches a client against. Validated
// once at load, like the region catalog, because a wrong entry here silently sends a whole
// country's traffic to the wrong rule.
import { MeridianError } from '../core/errors.js';
import { CONTINENTS, type Continent } from '../core/regions.js';
import { countriesData } from './countries-data.js';

/**
 * A continent a country can be on: the six with cloud regions ({@link CONTINENTS}) plus `AN`,
 * Antarctica, which Route 53's geolocation also lists but where no region exists.
 */
export type CountryContinent = Continent | 'AN';

/** The continent codes a country entry may use. */
export const COUNTRY_CONTINENTS: readonly CountryContinent[] = [...CONTINENTS, 'AN'];

/** One ISO 3166-1 country. */
export interface Country {
  /** Alpha-2, upper case: `DE`, `GB`. */
  readonly code: string;
  readonly continent: CountryContinent;
  /** English short name, for messages. */
  readonly name: string;
}

/** The known countries. Immutable; build one with {@link loadCountries}. */
export interface CountryTable {
  /** Every country, sorted by code. */
  all(): readonly Country[];
  /** The country with exactly this code (upper case), or undefined. */
  get(code: string): Country | undefined;
}

/**
 * Validates country data (the built-in list by default) and indexes it.
 *
 * @throws MeridianError `CATALOG_INVALID` naming the entry, the field and the fix: a malformed or
 *         duplicate code, an unknown continent, an empty name.
 */
export function loadCountries(data: readonly unknown[] = countriesData): CountryTable {
  const byCode = new Map<string, Country>();
  data.forEach((raw, index) => {
    const fail = (problem: string): never => {
      throw new MeridianError('CATALOG_INVALID', `country list entry #${index} (${JSON.stringify(raw)}): ${problem}`, { index });
    };
    if (!Array.isArray(raw) || raw.length !== 3) return fail('expected [code, continent, name]');
    const [code, continent, name] = raw as unknown[];
    if (typeof code !== 'string' || !/^[A-Z]{2}$/.test(code)) return fail('code must be two capital letters (ISO 3166-1 alpha-2), e.g. DE');
    if (byCode.has(code)) return fail(`code ${code} is listed twice; keep one entry per country`);
    if (typeof continent !== 'string' || !(COUNTRY_CONTINENTS as readonly string[]).includes(continent)) {
      return fail(`continent must be one of ${COUNTRY_CONTINENTS.join(' ')}`);
    }
    if (typeof name !== 'string' || name.trim() === '') return fail('name must be a non-empty string');
    byCode.set(code, Object.freeze({ code, continent: continent as CountryContinent, name }));
  });
  if (byCode.size === 0) throw new MeridianError('CATALOG_INVALID', 'country list: expected at least one country');
  const all = Object.freeze([...byCode.values()].sort((a, b) => a.code.localeCompare(b.code)));
  return { all: () => all, get: (code) => byCode.get(code) };
}

let builtIn: CountryTable | undefined;

/** The built-in country table, validated on first use. */
export function countries(): CountryTable {
  builtIn ??= loadCountries();
  return builtIn;
}

/** The built-in country with this alpha-2 code (upper case), or undefined. */
export function findCountry(code: string): Country | undefined {
  return countries().get(code);
}

/** The continent of a country (alpha-2, upper case), or undefined when the code is unknown. */
export function continentOf(country: string): CountryContinent | undefined {
  return countries().get(country)?.continent;
}
