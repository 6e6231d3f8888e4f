import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { isMeridianError } from '../../src/core/errors.js';
import { CLOUD_PROVIDERS, EU_MEMBER_STATES } from '../../src/core/regions.js';

const catalog = loadRegionCatalog();

describe('the built-in region catalog', () => {
  it('loads real regions from every provider', () => {
    assert.ok(catalog.all().length >= 30, `only ${catalog.all().length} regions`);
    for (const provider of CLOUD_PROVIDERS) {
      const n = catalog.byProvider(provider).length;
      assert.ok(n >= 10, `${provider} has only ${n} regions`);
    }
  });

  it('has unique codes and zone names', () => {
    const codes = catalog.all().map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    const zones = catalog.all().flatMap((r) => r.zones);
    assert.equal(new Set(zones).size, zones.length);
  });

  it('spells regions and zones as the providers do', () => {
    assert.deepEqual(catalog.require('us-east-1').zones, ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
    assert.deepEqual(catalog.require('us-central1').zones, ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f']);
    assert.deepEqual(catalog.require('europe-west1').zones, ['europe-west1-b', 'europe-west1-c', 'europe-west1-d']);
    assert.deepEqual(catalog.require('eastus').zones, ['eastus-1', 'eastus-2', 'eastus-3']);
    assert.deepEqual(catalog.require('ukwest').zones, ['ukwest-0']);
  });

  it('places regions where they are', () => {
    const frankfurt = catalog.require('eu-central-1');
    assert.equal(frankfurt.city, 'Frankfurt');
    assert.equal(frankfurt.country, 'DE');
    assert.equal(frankfurt.continent, 'EU');
    assert.ok(Math.abs(frankfurt.latitude - 50.1) < 0.5 && Math.abs(frankfurt.longitude - 8.7) < 0.5);
    assert.equal(catalog.require('ap-southeast-2').continent, 'OC');
    assert.ok(catalog.require('sa-east-1').latitude < 0, 'São Paulo is south of the equator');
  });

  it('keeps the UK, Switzerland and Norway out of the EU jurisdiction', () => {
    assert.equal(catalog.require('eu-west-2').jurisdiction, 'UK');
    assert.equal(catalog.require('eu-west-2').country, 'GB');
    assert.equal(catalog.require('europe-west6').jurisdiction, 'CH');
    assert.equal(catalog.require('eu-central-2').jurisdiction, 'CH');
    assert.equal(catalog.require('norwayeast').jurisdiction, 'NO');
    const eu = catalog.byJurisdiction('EU');
    assert.ok(eu.length >= 10);
    for (const r of eu) assert.ok(EU_MEMBER_STATES.includes(r.country), `${r.code} in ${r.country} is not in the EU`);
    assert.ok(catalog.byJurisdiction('UK').every((r) => r.country === 'GB'));
  });

  it('get returns undefined for unknown or differently cased codes', () => {
    assert.equal(catalog.get('us-west-9'), undefined);
    assert.equal(catalog.get('US-EAST-1'), undefined);
    assert.equal(catalog.get('us-east-1')?.provider, 'aws');
  });

  it('hands out regions that cannot be changed', () => {
    const r = catalog.require('us-east-1');
    assert.throws(() => {
      (r as { city: string }).city = 'Elsewhere';
    }, TypeError);
    assert.ok(Object.isFrozen(r.zones));
  });
});

describe('RegionCatalog.require', () => {
  function unknownRegion(code: string): { message: string; suggestions: unknown } {
    try {
      catalog.require(code);
    } catch (e) {
      assert.ok(isMeridianError(e, 'REGION_UNKNOWN'), String(e));
      return { message: e.message, suggestions: e.details?.suggestions };
    }
    assert.fail(`require("${code}") did not throw`);
  }

  it('suggests the nearest codes and says how to list all', () => {
    const { message, suggestions } = unknownRegion('us-west-9');
    assert.deepEqual(suggestions, ['us-west-1', 'us-west-2']);
    assert.equal(message, 'unknown region "us-west-9"; did you mean us-west-1, us-west-2? Run `meridian regions` to list all.');
  });

  it('corrects a separator across providers', () => {
    assert.deepEqual(unknownRegion('europe-west-1').suggestions, ['europe-west1']);
    assert.deepEqual(unknownRegion('us-central-1').suggestions, ['us-central1']);
    assert.deepEqual(unknownRegion('east-us').suggestions, ['eastus']);
  });

  it('corrects swapped and missing letters', () => {
    assert.deepEqual(unknownRegion('eu-wset-1').suggestions, ['eu-west-1']);
    assert.deepEqual(unknownRegion('westeurop').suggestions, ['westeurope']);
    assert.deepEqual(unknownRegion('ap-southest-1').suggestions, ['ap-southeast-1']);
    assert.deepEqual(unknownRegion('germanywestcentrl').suggestions, ['germanywestcentral']);
  });

  it('forgives case, spaces and underscores in suggestions only', () => {
    assert.deepEqual(unknownRegion('US_EAST_1').suggestions, ['us-east-1', 'us-east1']);
  });

  it('offers nothing for something that is not near any region', () => {
    const { message, suggestions } = unknownRegion('mars-north-1');
    assert.deepEqual(suggestions, []);
    assert.equal(message, 'unknown region "mars-north-1". Run `meridian regions` to list all.');
    assert.deepEqual(unknownRegion('x').suggestions, []);
  });
});

describe('RegionCatalog.suggest', () => {
  it('offers both providers\u2019 spelling for an ambiguous code', () => {
    assert.deepEqual(catalog.suggest('us-east1'), ['us-east1', 'us-east-1']);
    assert.deepEqual(catalog.suggest('us-east-1'), ['us-east-1', 'us-east1']);
  });
});
