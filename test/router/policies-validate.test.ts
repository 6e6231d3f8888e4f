import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { isMeridianError } from '../../src/core/errors.js';
import { createPolicy, validatePolicySpec } from '../../src/router/policies/index.js';

const catalog = loadRegionCatalog();
const known = (code: string): boolean => catalog.get(code) !== undefined;

function rejects(spec: unknown, message: RegExp): void {
  assert.throws(() => validatePolicySpec(spec, known), (e) => {
    assert.ok(isMeridianError(e, 'INVALID_ARGUMENT'), String(e));
    assert.match(e.message, message);
    return true;
  });
}

describe('validatePolicySpec', () => {
  it('accepts every policy type and returns a copy with only its fields', () => {
    const specs = [
      { type: 'latency' },
      { type: 'geoproximity' },
      { type: 'geoproximity', bias: { 'eu-west-1': 60, 'us-east-1': -99 } },
      { type: 'geolocation', rules: [{ match: 'country:DE', regions: ['eu-central-1'] }, { match: 'continent:EU', regions: ['eu-west-1', 'eu-central-1'] }, { match: '*', regions: ['us-east-1'] }] },
      { type: 'weighted', weights: { 'us-east-1': 80, 'eu-west-1': 20, 'ap-northeast-1': 0 } },
      { type: 'failover', order: ['eu-west-1', 'us-east-1'] },
    ];
    for (const spec of specs) {
      const valid = validatePolicySpec(spec, known);
      assert.deepEqual(valid, spec);
      assert.notEqual(valid, spec);
      assert.equal(createPolicy(valid).type, spec.type);
    }
  });

  it('rejects what is not a policy, or a type it does not know', () => {
    rejects(null, /^policy: expected an object such as \{"type": "latency"\}/);
    rejects(['latency'], /^policy: expected an object/);
    rejects({}, /^policy\.type: is missing; use one of latency, geoproximity, geolocation, weighted, failover/);
    rejects({ type: 'nearest' }, /^policy\.type: "nearest" is not a routing policy; use one of latency/);
  });

  it('rejects fields the type does not have', () => {
    rejects({ type: 'latency', weights: { 'us-east-1': 1 } }, /^policy\.weights: a latency policy has no such field; remove it \(latency takes "type"\)/);
    rejects({ type: 'failover', order: ['us-east-1'], bias: {} }, /^policy\.bias: a failover policy has no such field/);
  });

  it('rejects a bias out of −99…99 or for an unknown region', () => {
    rejects({ type: 'geoproximity', bias: { 'eu-west-1': 100 } }, /^policy\.bias\["eu-west-1"\]: 100 is not a bias; use a number from -99 to 99/);
    rejects({ type: 'geoproximity', bias: { 'eu-west-1': -150 } }, /^policy\.bias\["eu-west-1"\]: -150 is not a bias/);
    rejects({ type: 'geoproximity', bias: { 'eu-west-1': '20' } }, /^policy\.bias\["eu-west-1"\]: "20" is not a bias/);
    rejects({ type: 'geoproximity', bias: { 'eu-west-9': 20 } }, /^policy\.bias\["eu-west-9"\]: unknown region "eu-west-9"; `meridian regions` lists them/);
    rejects({ type: 'geoproximity', bias: [20] }, /^policy\.bias: expected an object of region → bias/);
  });

  it('rejects negative, all-zero, missing or unknown-region weights', () => {
    rejects({ type: 'weighted', weights: { 'us-east-1': -5, 'eu-west-1': 10 } }, /^policy\.weights\["us-east-1"\]: -5 is negative; weights are shares ≥ 0/);
    rejects({ type: 'weighted', weights: { 'us-east-1': 0, 'eu-west-1': 0 } }, /^policy\.weights: every weight is 0, so no region would get a share; give at least one region a weight above 0/);
    rejects({ type: 'weighted', weights: {} }, /^policy\.weights: is empty/);
    rejects({ type: 'weighted' }, /^policy\.weights: expected an object of region → weight, e\.g\./);
    rejects({ type: 'weighted', weights: { 'us-east-1': Number.NaN } }, /^policy\.weights\["us-east-1"\]: null is not a number/);
    rejects({ type: 'weighted', weights: { 'us-est-1': 10 } }, /^policy\.weights\["us-est-1"\]: unknown region "us-est-1"/);
  });

  it('rejects an empty failover order, repeats and unknown regions', () => {
    rejects({ type: 'failover', order: [] }, /^policy\.order: must be a non-empty list; list the regions in the order traffic should fail over/);
    rejects({ type: 'failover' }, /^policy\.order: is missing;/);
    rejects({ type: 'failover', order: ['us-east-1', 'eu-west-1', 'us-east-1'] }, /^policy\.order\[2\]: "us-east-1" is already listed at policy\.order\[0\]; list each region once/);
    rejects({ type: 'failover', order: ['us-east-1', 'mars-1'] }, /^policy\.order\[1\]: unknown region "mars-1"/);
    rejects({ type: 'failover', order: ['us-east-1', 7] }, /^policy\.order\[1\]: expected a region code such as "us-east-1", got 7/);
  });

  it('rejects malformed or repeated geolocation matches and rules without regions', () => {
    const rule = (match: unknown, regions: unknown = ['eu-west-1']) => ({ match, regions });
    rejects({ type: 'geolocation', rules: [] }, /^policy\.rules: must be a non-empty list; e\.g\./);
    rejects({ type: 'geolocation', rules: [rule('DE')] }, /^policy\.rules\[0\]\.match: "DE" is not a rule match: write "country:DE", "continent:EU" \(AF AS EU NA OC SA\) or "\*"/);
    rejects({ type: 'geolocation', rules: [rule('*'), rule('continent:XX')] }, /^policy\.rules\[1\]\.match: "continent:XX": XX is not a continent code/);
    rejects({ type: 'geolocation', rules: [rule('country:UK')] }, /the United Kingdom is "country:GB"/);
    rejects({ type: 'geolocation', rules: [rule('country:DE'), rule('continent:EU'), rule('country:DE', ['eu-central-1'])] }, /^policy\.rules\[2\]\.match: "country:DE" is already matched by policy\.rules\[0\]; merge the two rules into one/);
    rejects({ type: 'geolocation', rules: [rule('*'), rule('*')] }, /^policy\.rules\[1\]\.match: "\*" is already matched by policy\.rules\[0\]/);
    rejects({ type: 'geolocation', rules: [rule('*', [])] }, /^policy\.rules\[0\]\.regions: must be a non-empty list; list the regions that serve these clients/);
    rejects({ type: 'geolocation', rules: [rule('*', ['eu-west-1', 'eu-west-1'])] }, /^policy\.rules\[0\]\.regions\[1\]: "eu-west-1" is already listed/);
    rejects({ type: 'geolocation', rules: [rule('*', ['nowhere-1'])] }, /^policy\.rules\[0\]\.regions\[0\]: unknown region "nowhere-1"/);
    rejects({ type: 'geolocation', rules: [{ match: '*', regions: ['eu-west-1'], weight: 1 }] }, /^policy\.rules\[0\]\.weight: a rule has no such field/);
    rejects({ type: 'geolocation', rules: ['*'] }, /^policy\.rules\[0\]: expected \{"match": \.\.\., "regions": \[\.\.\.\]\}/);
  });

  it('createPolicy refuses a type it does not know', () => {
    assert.throws(() => createPolicy({ type: 'anycast' } as never), (e) => isMeridianError(e, 'INVALID_ARGUMENT') && /policy\.type: "anycast"/.test(e.message));
  });
});
