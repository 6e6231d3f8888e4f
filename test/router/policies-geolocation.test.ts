import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMeridianError } from '../../src/core/errors.js';
import { geolocationPolicy, parseGeoMatch } from '../../src/router/policies/geolocation.js';
import { candidate, context } from './policies-fixtures.js';

const all = () => ['eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2', 'ap-northeast-1'].map((r) => candidate(r));

const withDefault = geolocationPolicy([
  { match: '*', regions: ['us-east-1'] },
  { match: 'continent:EU', regions: ['eu-west-1'] },
  { match: 'country:DE', regions: ['eu-central-1'] },
]);

describe('geolocation policy', () => {
  it('the most specific rule wins: country, then continent, then *', () => {
    assert.deepEqual(withDefault.order(context(all(), { country: 'DE', continent: 'EU' })), ['eu-central-1']);
    assert.deepEqual(withDefault.order(context(all(), { country: 'FR', continent: 'EU' })), ['eu-west-1']);
    assert.deepEqual(withDefault.order(context(all(), { country: 'JP', continent: 'AS' })), ['us-east-1']);
  });

  it('sends a client whose location is unknown to the * rule', () => {
    assert.deepEqual(withDefault.order(context(all(), {})), ['us-east-1']);
  });

  it('derives the continent from the country when only the country is known', () => {
    assert.deepEqual(withDefault.order(context(all(), { country: 'IT' })), ['eu-west-1']);
  });

  it('gives [] to a client no rule matches when there is no * rule (Route 53: no answer)', () => {
    const noDefault = geolocationPolicy([
      { match: 'continent:EU', regions: ['eu-west-1'] },
      { match: 'country:DE', regions: ['eu-central-1'] },
    ]);
    assert.deepEqual(noDefault.order(context(all(), { country: 'US', continent: 'NA' })), []);
    assert.deepEqual(noDefault.order(context(all(), {})), []);
  });

  it('keeps the rule’s order (the operator’s preference), healthy regions first', () => {
    const policy = geolocationPolicy([{ match: 'continent:EU', regions: ['eu-west-1', 'us-east-1', 'eu-central-1'] }]);
    const client = { country: 'DE', continent: 'EU' };
    assert.deepEqual(policy.order(context(all(), client)), ['eu-west-1', 'us-east-1', 'eu-central-1']);
    const down = all().map((c) => (c.region === 'eu-west-1' ? { ...c, healthy: false } : c));
    assert.deepEqual(policy.order(context(down, client)), ['us-east-1', 'eu-central-1', 'eu-west-1']);
  });

  it('skips rule regions that are not candidates, and never falls back to a less specific rule', () => {
    const onlyUs = [candidate('us-east-1')];
    assert.deepEqual(withDefault.order(context(onlyUs, { country: 'DE', continent: 'EU' })), []);
  });

  it('parses matches and explains malformed ones', () => {
    assert.deepEqual(parseGeoMatch('country:DE', 'm'), { kind: 'country', code: 'DE' });
    assert.deepEqual(parseGeoMatch('continent:OC', 'm'), { kind: 'continent', code: 'OC' });
    assert.deepEqual(parseGeoMatch('*', 'm'), { kind: 'default' });
    const cases: [unknown, RegExp][] = [
      ['DE', /"DE" is not a rule match: write "country:DE", "continent:EU" .* or "\*"; for a country write "country:DE"/],
      ['country:de', /write the code in capitals: "country:DE"/],
      ['country:UK', /UK is not an ISO 3166-1 alpha-2 country code; the United Kingdom is "country:GB"/],
      ['country:ZZ', /ZZ is not an ISO 3166-1 alpha-2 country code/],
      ['continent:EUR', /EUR is not a continent code; use one of AF AS EU NA OC SA/],
      ['continent:AN', /no cloud region is in Antarctica/],
      ['state:CA', /is not a rule match/],
      [42, /expected a string/],
    ];
    for (const [match, message] of cases) {
      assert.throws(() => parseGeoMatch(match, 'policy.rules[0].match'), (e) =>
        isMeridianError(e, 'INVALID_ARGUMENT') && e.message.startsWith('policy.rules[0].match: ') && message.test(e.message),
      `${String(match)}`);
    }
  });
});
