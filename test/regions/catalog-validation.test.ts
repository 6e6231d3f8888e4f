import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { isMeridianError } from '../../src/core/errors.js';

const good = {
  code: 'eu-west-1', provider: 'aws', city: 'Dublin', country: 'IE', continent: 'EU', jurisdiction: 'EU',
  latitude: 53.35, longitude: -6.26, zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
};
const gcp = {
  code: 'europe-west6', provider: 'gcp', city: 'Zurich', country: 'CH', continent: 'EU', jurisdiction: 'CH',
  latitude: 47.37, longitude: 8.54, zones: ['europe-west6-a'],
};
const azure = {
  code: 'ukwest', provider: 'azure', city: 'Cardiff', country: 'GB', continent: 'EU', jurisdiction: 'UK',
  latitude: 51.48, longitude: -3.18, zones: ['ukwest-0'],
};

/** Loads `data` and returns the CATALOG_INVALID error's message and details.field. */
function rejection(data: unknown): { message: string; field: unknown } {
  try {
    loadRegionCatalog(data);
  } catch (e) {
    assert.ok(isMeridianError(e, 'CATALOG_INVALID'), String(e));
    return { message: e.message, field: e.details?.field };
  }
  assert.fail('the catalog loaded');
}

describe('loadRegionCatalog validation', () => {
  it('accepts well-formed entries of every provider', () => {
    assert.equal(loadRegionCatalog([good, gcp, azure]).all().length, 3);
  });

  // Each case changes one thing in a good entry (placed second, so the index is checked too).
  const cases: { name: string; entry: Record<string, unknown>; field: string; says: RegExp }[] = [
    { name: 'missing code', entry: { ...good, code: undefined }, field: 'code', says: /missing/ },
    { name: 'AWS code in GCP form', entry: { ...good, code: 'eu-west1' }, field: 'code', says: /AWS region codes look like us-east-1/ },
    { name: 'GCP code in AWS form', entry: { ...gcp, code: 'europe-west-6' }, field: 'code', says: /Google Cloud region codes/ },
    { name: 'Azure code with a hyphen', entry: { ...azure, code: 'uk-west', zones: ['uk-west-0'] }, field: 'code', says: /Azure region codes/ },
    { name: 'unknown provider', entry: { ...good, provider: 'oracle' }, field: 'provider', says: /"oracle" is not known; expected one of aws, gcp, azure/ },
    { name: 'latitude above 90', entry: { ...good, latitude: 95 }, field: 'latitude', says: /95 is out of range: it must be between -90 and 90/ },
    { name: 'longitude below -180', entry: { ...good, longitude: -200 }, field: 'longitude', says: /between -180 and 180/ },
    { name: 'latitude as text', entry: { ...good, latitude: '53.35' }, field: 'latitude', says: /must be a number, got "53.35"/ },
    { name: 'latitude NaN', entry: { ...good, latitude: NaN }, field: 'latitude', says: /must be a number/ },
    { name: 'unknown jurisdiction', entry: { ...good, jurisdiction: 'XX' }, field: 'jurisdiction', says: /"XX" is not known/ },
    { name: 'Zurich filed under EU', entry: { ...gcp, jurisdiction: 'EU' }, field: 'jurisdiction', says: /wrong for country CH: data stored there falls under CH/ },
    { name: 'London filed under EU', entry: { ...good, country: 'GB' }, field: 'jurisdiction', says: /falls under UK/ },
    { name: 'lower-case country', entry: { ...good, country: 'ie' }, field: 'country', says: /ISO 3166-1 alpha-2/ },
    { name: 'country with no known law', entry: { ...good, country: 'ZZ' }, field: 'country', says: /no jurisdiction Meridian knows/ },
    { name: 'unknown continent', entry: { ...good, continent: 'Europe' }, field: 'continent', says: /expected one of AF, AS, EU, NA, OC, SA/ },
    { name: 'empty city', entry: { ...good, city: ' ' }, field: 'city', says: /non-empty string/ },
    { name: 'no zones', entry: { ...good, zones: [] }, field: 'zones', says: /non-empty list/ },
    { name: 'zones missing', entry: { ...good, zones: undefined }, field: 'zones', says: /missing/ },
    { name: 'zone not a string', entry: { ...good, zones: ['eu-west-1a', 7] }, field: 'zones[1]', says: /non-empty string, got number 7/ },
    { name: 'zone of another region', entry: { ...good, zones: ['eu-west-2a'] }, field: 'zones[0]', says: /does not start with the region code "eu-west-1"/ },
    { name: 'AWS zone with a hyphen', entry: { ...good, zones: ['eu-west-1-a'] }, field: 'zones[0]', says: /region code plus one letter, e.g. eu-west-1a/ },
    { name: 'GCP zone without a hyphen', entry: { ...gcp, zones: ['europe-west6a'] }, field: 'zones[0]', says: /e.g. europe-west6-a/ },
    { name: 'Azure zone 4', entry: { ...azure, zones: ['ukwest-4'] }, field: 'zones[0]', says: /zone number 1-3/ },
    { name: 'Azure zone 0 beside real zones', entry: { ...azure, zones: ['ukwest-0', 'ukwest-1'] }, field: 'zones', says: /must be the only zone/ },
    { name: 'duplicate zone', entry: { ...good, zones: ['eu-west-1a', 'eu-west-1a'] }, field: 'zones[1]', says: /listed twice/ },
    { name: 'misspelt field', entry: { ...good, lattitude: 1 }, field: 'lattitude', says: /not a known field/ },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}, naming the field`, () => {
      const other = c.entry.provider === 'gcp' ? good : gcp;
      const { message, field } = rejection([other, c.entry]);
      assert.equal(field, c.field, message);
      assert.match(message, /^region catalog entry #1/);
      assert.ok(message.includes(`: ${c.field} `), message);
      assert.match(message, c.says);
    });
  }

  it('names the entry by code when it has one', () => {
    const { message } = rejection([{ ...good, latitude: 95 }]);
    assert.equal(message, 'region catalog entry #0 ("eu-west-1"): latitude 95 is out of range: it must be between -90 and 90');
  });

  it('rejects a duplicate code, pointing at the first use', () => {
    const { message, field } = rejection([good, gcp, { ...good, zones: ['eu-west-1d'] }]);
    assert.equal(field, 'code');
    assert.match(message, /entry #2 \("eu-west-1"\): code "eu-west-1" is already used by entry #0/);
  });

  it('rejects entries that are not objects and catalogs that are not lists', () => {
    assert.match(rejection([good, 'eu-west-2']).message, /entry #1: expected an object/);
    assert.match(rejection([null]).message, /entry #0: expected an object/);
    assert.match(rejection({ regions: [] }).message, /expected a non-empty list/);
    assert.match(rejection([]).message, /expected a non-empty list/);
  });
});
