import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRegionList } from '../../src/config/region-list.js';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { isMeridianError, type ErrorCode } from '../../src/core/errors.js';

const catalog = loadRegionCatalog();

function fails(raw: string | undefined, strays: string[], code: ErrorCode, message: RegExp): void {
  assert.throws(
    () => parseRegionList(raw, catalog, strays),
    (e) => isMeridianError(e, code) && message.test(e.message),
  );
}

describe('--regions parsing', () => {
  it('accepts a comma-separated list of known regions, across providers', () => {
    assert.deepEqual(parseRegionList('us-east-1,europe-west1,eastus', catalog), ['us-east-1', 'europe-west1', 'eastus']);
  });
  it('says so when regions are separated by a space', () => {
    fails('us-west1', ['europe-west1'], 'USAGE', /"us-west1 europe-west1" has a space; separate regions with commas: --regions us-west1,europe-west1/);
    fails('us-west1 europe-west1', [], 'USAGE', /has a space; separate regions with commas: --regions us-west1,europe-west1/);
  });
  it('refuses brackets and quotes, showing the plain form', () => {
    fails('[us-west1,europe-west1]', [], 'USAGE', /without brackets or quotes: --regions us-west1,europe-west1/);
    fails('"us-west1","europe-west1"', [], 'USAGE', /--regions us-west1,europe-west1/);
  });
  it('refuses an empty list and empty entries', () => {
    fails('', [], 'USAGE', /--regions is empty/);
    fails(undefined, [], 'USAGE', /--regions is empty/);
    fails('us-east-1,,eu-west-1', [], 'USAGE', /empty entry; remove the extra comma: --regions us-east-1,eu-west-1/);
  });
  it('refuses a duplicate region', () => {
    fails('us-east-1,eu-west-1,us-east-1', [], 'USAGE', /region "us-east-1" is listed twice/);
  });
  it('names unknown regions with the closest known names', () => {
    fails('us-east-1,europe-west-1', [], 'REGION_UNKNOWN', /unknown region "europe-west-1" \(did you mean europe-west1/);
    fails('mars-north-1', [], 'REGION_UNKNOWN', /unknown region "mars-north-1"; run `meridian regions`/);
  });
});
