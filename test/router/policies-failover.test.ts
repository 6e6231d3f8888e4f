import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failoverPolicy } from '../../src/router/policies/failover.js';
import { candidate, context } from './policies-fixtures.js';

describe('failover policy', () => {
  const policy = failoverPolicy(['eu-west-1', 'eu-central-1', 'us-east-1']);

  it('follows the configured order, not the candidates’ order', () => {
    const order = policy.order(context([candidate('us-east-1'), candidate('eu-central-1'), candidate('eu-west-1')]));
    assert.deepEqual(order, ['eu-west-1', 'eu-central-1', 'us-east-1']);
  });

  it('skips an unhealthy primary to the next healthy region, keeping it as the last resort', () => {
    const order = policy.order(context([candidate('eu-west-1', { healthy: false }), candidate('eu-central-1'), candidate('us-east-1')]));
    assert.deepEqual(order, ['eu-central-1', 'us-east-1', 'eu-west-1']);
  });

  it('keeps the configured order among unhealthy regions when all are down', () => {
    const order = policy.order(context(['us-east-1', 'eu-central-1', 'eu-west-1'].map((r) => candidate(r, { healthy: false }))));
    assert.deepEqual(order, ['eu-west-1', 'eu-central-1', 'us-east-1']);
  });

  it('skips listed regions that are not candidates and leaves out candidates not listed', () => {
    const order = policy.order(context([candidate('us-east-1'), candidate('ap-northeast-1'), candidate('eu-central-1')]));
    assert.deepEqual(order, ['eu-central-1', 'us-east-1']);
  });

  it('ignores RTT and client location entirely', () => {
    const order = policy.order(context(
      [candidate('eu-west-1', { rttMs: 300 }), candidate('us-east-1', { rttMs: 1 })],
      { location: { latitude: 39, longitude: -77 }, country: 'US', continent: 'NA' },
    ));
    assert.deepEqual(order, ['eu-west-1', 'us-east-1']);
  });
});
