import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightedPolicy } from '../../src/router/policies/weighted.js';
import type { RegionCandidate } from '../../src/router/policies/policy.js';
import { candidate, context, seededRandom } from './policies-fixtures.js';

/** How often each region comes first over `n` draws. */
function firstPicks(weights: Record<string, number>, candidates: RegionCandidate[], n = 10_000): Map<string, number> {
  const policy = weightedPolicy(weights);
  const random = seededRandom(2024);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const first = policy.order(context(candidates, {}, { random }))[0] ?? 'none';
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}

describe('weighted policy', () => {
  it('splits first picks 80/20 within ±3% over 10,000 draws', () => {
    const counts = firstPicks({ 'us-east-1': 80, 'eu-west-1': 20 }, [candidate('us-east-1'), candidate('eu-west-1')]);
    const share = (counts.get('us-east-1') ?? 0) / 10_000;
    assert.ok(Math.abs(share - 0.8) <= 0.03, `us-east-1 got ${share}`);
    assert.equal((counts.get('us-east-1') ?? 0) + (counts.get('eu-west-1') ?? 0), 10_000);
  });

  it('gives an unhealthy region no first picks; its share goes to the healthy ones', () => {
    const counts = firstPicks(
      { 'us-east-1': 50, 'eu-west-1': 30, 'ap-northeast-1': 20 },
      [candidate('us-east-1', { healthy: false }), candidate('eu-west-1'), candidate('ap-northeast-1')],
    );
    assert.equal(counts.get('us-east-1'), undefined);
    const share = (counts.get('eu-west-1') ?? 0) / 10_000;
    assert.ok(Math.abs(share - 0.6) <= 0.03, `eu-west-1 got ${share}, expected 30/50`);
  });

  it('lists the rest by weight, heaviest first, as the failover order', () => {
    const policy = weightedPolicy({ 'us-east-1': 10, 'eu-west-1': 60, 'ap-northeast-1': 30 });
    const candidates = [candidate('us-east-1'), candidate('eu-west-1'), candidate('ap-northeast-1')];
    // random() = 0.95 lands in the last tenth of the cumulative weights: ap-northeast-1 (70..100).
    assert.deepEqual(policy.order(context(candidates, {}, { random: () => 0.95 })), ['ap-northeast-1', 'eu-west-1', 'us-east-1']);
    assert.deepEqual(policy.order(context(candidates, {}, { random: () => 0 })), ['us-east-1', 'eu-west-1', 'ap-northeast-1']);
  });

  it('puts healthy zero-weight and unweighted regions after weighted ones, unhealthy ones last', () => {
    const policy = weightedPolicy({ 'us-east-1': 70, 'eu-west-1': 30, 'sa-east-1': 0 });
    const order = policy.order(context(
      [candidate('sa-east-1'), candidate('eu-west-1', { healthy: false }), candidate('ap-northeast-1'), candidate('us-east-1')],
      {},
      { random: () => 0.5 },
    ));
    assert.deepEqual(order, ['us-east-1', 'sa-east-1', 'ap-northeast-1', 'eu-west-1']);
  });

  it('when every weighted region is unhealthy, spreads over the healthy zero-weight ones evenly', () => {
    const policy = weightedPolicy({ 'us-east-1': 100 });
    const candidates = [candidate('us-east-1', { healthy: false }), candidate('eu-west-1'), candidate('ap-northeast-1')];
    assert.deepEqual(policy.order(context(candidates, {}, { random: () => 0.1 })), ['eu-west-1', 'ap-northeast-1', 'us-east-1']);
    assert.deepEqual(policy.order(context(candidates, {}, { random: () => 0.9 })), ['ap-northeast-1', 'eu-west-1', 'us-east-1']);
  });

  it('when nothing is healthy, fails open: draws by weight among the unhealthy regions', () => {
    const counts = firstPicks({ 'us-east-1': 80, 'eu-west-1': 20 }, [candidate('us-east-1', { healthy: false }), candidate('eu-west-1', { healthy: false })]);
    const share = (counts.get('us-east-1') ?? 0) / 10_000;
    assert.ok(Math.abs(share - 0.8) <= 0.03, `us-east-1 got ${share}`);
  });

  it('ignores weights of regions that are not candidates', () => {
    const counts = firstPicks({ 'us-east-1': 99, 'eu-west-1': 1 }, [candidate('eu-west-1')], 100);
    assert.equal(counts.get('eu-west-1'), 100);
  });

  it('stays inside the list if random() breaks its contract and returns 1', () => {
    const policy = weightedPolicy({ 'us-east-1': 1, 'eu-west-1': 1 });
    assert.deepEqual(policy.order(context([candidate('us-east-1'), candidate('eu-west-1')], {}, { random: () => 1 })), ['eu-west-1', 'us-east-1']);
  });
});
