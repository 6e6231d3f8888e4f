import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { greatCircleKm } from '../../src/core/geo.js';
import { biasedDistanceKm, geoproximityPolicy } from '../../src/router/policies/geoproximity.js';
import { candidate, context, places } from './policies-fixtures.js';

const eu = () => [candidate('eu-west-1'), candidate('eu-central-1')];

describe('geoproximity policy', () => {
  it('applies Route 53’s bias formula', () => {
    assert.equal(biasedDistanceKm(1000, 0), 1000);
    assert.equal(biasedDistanceKm(1000, 50), 500);
    assert.ok(Math.abs(biasedDistanceKm(1000, 60) - 400) < 1e-9);
    // Negative: distance ÷ (1 + bias/100) with the sign kept, so −50 doubles the distance.
    assert.equal(biasedDistanceKm(1000, -50), 2000);
    assert.ok(Math.abs(biasedDistanceKm(1000, -99) - 100_000) < 1e-6);
  });

  it('sends a client in Frankfurt to eu-central-1 before eu-west-1', () => {
    const order = geoproximityPolicy().order(context(eu(), { location: places.frankfurt }));
    assert.deepEqual(order, ['eu-central-1', 'eu-west-1']);
  });

  it('a client standing at a region keeps it whatever the bias on another (distance 0)', () => {
    const order = geoproximityPolicy({ 'eu-west-1': 99 }).order(context(eu(), { location: places.frankfurt }));
    assert.deepEqual(order, ['eu-central-1', 'eu-west-1']);
  });

  it('a positive bias of +60 on eu-west-1 (Dublin) wins a client in Amsterdam from Frankfurt', () => {
    // Amsterdam: Frankfurt ~360 km, Dublin ~750 km; ×0.4 makes Dublin ~300 km.
    const unbiased = geoproximityPolicy().order(context(eu(), { location: places.amsterdam }));
    assert.deepEqual(unbiased, ['eu-central-1', 'eu-west-1']);
    const biased = geoproximityPolicy({ 'eu-west-1': 60 }).order(context(eu(), { location: places.amsterdam }));
    assert.deepEqual(biased, ['eu-west-1', 'eu-central-1']);
  });

  it('a negative bias shrinks a region: −60 on eu-central-1 hands Amsterdam to Dublin', () => {
    const order = geoproximityPolicy({ 'eu-central-1': -60 }).order(context(eu(), { location: places.amsterdam }));
    assert.deepEqual(order, ['eu-west-1', 'eu-central-1']);
    // A small negative bias is not enough: 360 ÷ 0.9 = 400 km is still nearer than 750 km.
    const slight = geoproximityPolicy({ 'eu-central-1': -10 }).order(context(eu(), { location: places.amsterdam }));
    assert.deepEqual(slight, ['eu-central-1', 'eu-west-1']);
  });

  it('the flip happens where the formula says', () => {
    const dublin = greatCircleKm(places.amsterdam, candidate('eu-west-1'));
    const frankfurt = greatCircleKm(places.amsterdam, candidate('eu-central-1'));
    const threshold = 100 * (1 - frankfurt / dublin); // bias at which Dublin's biased distance equals Frankfurt's
    const at = (b: number) => geoproximityPolicy({ 'eu-west-1': b }).order(context(eu(), { location: places.amsterdam }))[0];
    assert.equal(at(Math.floor(threshold)), 'eu-central-1');
    assert.equal(at(Math.ceil(threshold)), 'eu-west-1');
  });

  it('uses the edge’s location when the client’s is unknown', () => {
    const regions = [candidate('us-east-1'), candidate('eu-central-1'), candidate('ap-northeast-1')];
    assert.deepEqual(geoproximityPolicy().order(context(regions, {}, { edge: places.tokyo })), ['ap-northeast-1', 'eu-central-1', 'us-east-1']);
    assert.deepEqual(geoproximityPolicy().order(context(regions, { country: 'DE' }, { edge: places.newYork }))[0], 'us-east-1');
  });

  it('prefers the client’s location over the edge’s', () => {
    const regions = [candidate('us-east-1'), candidate('ap-northeast-1')];
    assert.deepEqual(geoproximityPolicy().order(context(regions, { location: places.tokyo }, { edge: places.newYork })), ['ap-northeast-1', 'us-east-1']);
  });

  it('puts an unhealthy nearest region last', () => {
    const order = geoproximityPolicy().order(context(
      [candidate('eu-central-1', { healthy: false }), candidate('eu-west-1'), candidate('us-east-1')],
      { location: places.frankfurt },
    ));
    assert.deepEqual(order, ['eu-west-1', 'us-east-1', 'eu-central-1']);
  });
});
