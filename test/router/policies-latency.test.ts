import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latencyPolicy } from '../../src/router/policies/latency.js';
import { candidate, context, places } from './policies-fixtures.js';

describe('latency policy', () => {
  const policy = latencyPolicy();

  it('puts the lowest measured RTT first, then the rest by RTT', () => {
    const order = policy.order(context([
      candidate('us-east-1', { rttMs: 80 }),
      candidate('eu-west-1', { rttMs: 12 }),
      candidate('ap-northeast-1', { rttMs: 230 }),
      candidate('eu-central-1', { rttMs: 15 }),
    ]));
    assert.deepEqual(order, ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-northeast-1']);
  });

  it('follows RTT, not distance, when they disagree', () => {
    // From London, Frankfurt is nearer than Virginia; a congested path can make it slower.
    const order = policy.order(context([candidate('eu-central-1', { rttMs: 150 }), candidate('us-east-1', { rttMs: 70 })]));
    assert.deepEqual(order, ['us-east-1', 'eu-central-1']);
  });

  it('puts unmeasured regions after measured ones, nearest to the edge first', () => {
    const order = policy.order(context(
      [candidate('ap-northeast-1'), candidate('us-east-1', { rttMs: 90 }), candidate('eu-west-2'), candidate('us-west-2')],
      {},
      { edge: places.newYork },
    ));
    // From New York: London 5,570 km, Oregon ~3,900 km, Tokyo ~10,800 km.
    assert.deepEqual(order, ['us-east-1', 'us-west-2', 'eu-west-2', 'ap-northeast-1']);
  });

  it('orders by distance from the edge when nothing is measured yet', () => {
    const order = policy.order(context([candidate('us-east-1'), candidate('ap-northeast-1'), candidate('eu-central-1')], {}, { edge: places.tokyo }));
    assert.deepEqual(order, ['ap-northeast-1', 'eu-central-1', 'us-east-1']);
  });

  it('treats a non-finite RTT as unmeasured', () => {
    const order = policy.order(context([candidate('eu-west-2', { rttMs: Number.NaN }), candidate('us-east-1', { rttMs: 75 })]));
    assert.deepEqual(order, ['us-east-1', 'eu-west-2']);
  });

  it('moves an unhealthy region behind every healthy one, however fast', () => {
    const order = policy.order(context([
      candidate('eu-west-2', { rttMs: 2, healthy: false }),
      candidate('us-east-1', { rttMs: 75 }),
      candidate('ap-northeast-1'),
    ]));
    assert.deepEqual(order, ['us-east-1', 'ap-northeast-1', 'eu-west-2']);
  });
});
