// The country table geolocation rules and client headers are checked against
// (src/config/countries.ts). Lives here, next to its users, to stay in the router's test files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { continentOf, countries, findCountry, loadCountries } from '../../src/config/countries.js';
import { isMeridianError } from '../../src/core/errors.js';

describe('country table', () => {
  it('covers every ISO 3166-1 alpha-2 code in use, plus Kosovo', () => {
    assert.equal(countries().all().length, 250);
    for (const code of ['US', 'GB', 'DE', 'JP', 'BR', 'ZA', 'AU', 'IN', 'SG', 'AQ', 'XK', 'SS', 'CW', 'BQ']) {
      assert.ok(findCountry(code), code);
    }
    assert.equal(findCountry('UK'), undefined);
    assert.equal(findCountry('de'), undefined);
  });

  it('gives each country its continent', () => {
    const expected: Record<string, string> = {
      DE: 'EU', GB: 'EU', RU: 'EU', CY: 'EU', TR: 'AS', IL: 'AS', AE: 'AS', KZ: 'AS', GE: 'AS', EG: 'AF', ZA: 'AF',
      US: 'NA', MX: 'NA', PA: 'NA', GL: 'NA', PR: 'NA', BR: 'SA', GF: 'SA', AU: 'OC', NZ: 'OC', GU: 'OC', JP: 'AS', AQ: 'AN',
    };
    for (const [code, continent] of Object.entries(expected)) assert.equal(continentOf(code), continent, code);
    assert.equal(continentOf('ZZ'), undefined);
  });

  it('is sorted by code and uses all seven continents', () => {
    const all = countries().all();
    assert.deepEqual(all.map((c) => c.code), [...all.map((c) => c.code)].sort());
    const counts = new Map<string, number>();
    for (const c of all) counts.set(c.continent, (counts.get(c.continent) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']);
    // Africa alone has 54 sovereign states; fewer would mean entries filed under the wrong continent.
    assert.ok((counts.get('AF') ?? 0) >= 54);
  });

  it('rejects bad data on load: duplicates, unknown continents, malformed codes', () => {
    const bad = (data: unknown[], message: RegExp): void =>
      assert.throws(() => loadCountries(data), (e) => isMeridianError(e, 'CATALOG_INVALID') && message.test(e.message));
    bad([['DE', 'EU', 'Germany'], ['DE', 'EU', 'Germany again']], /entry #1 .*code DE is listed twice/);
    bad([['DE', 'EUR', 'Germany']], /entry #0 .*continent must be one of AF AS EU NA OC SA AN/);
    bad([['de', 'EU', 'Germany']], /code must be two capital letters/);
    bad([['DE', 'EU']], /expected \[code, continent, name\]/);
    bad([['DE', 'EU', ' ']], /name must be a non-empty string/);
    bad([], /at least one country/);
  });
});
