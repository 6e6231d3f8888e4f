// The contract every routing policy keeps, run against each one (the shape of hono's
// common.case.test.ts, which runs one suite against every router).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutingPolicySpec } from '../../src/core/routing-table.js';
import { createPolicy } from '../../src/router/policies/index.js';
import type { ClientInfo, RegionCandidate } from '../../src/router/policies/policy.js';
import { candidate, context, places, seededRandom } from './policies-fixtures.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'sa-east-1'];

/** Each policy configured so that it has something to say about every region above. */
const SPECS: RoutingPolicySpec[] = [
  { type: 'latency' },
  { type: 'geoproximity', bias: { 'eu-west-1': 30, 'us-west-2': -40 } },
  {
    type: 'geolocation',
    rules: [
      { match: 'country:DE', regions: ['eu-central-1', 'eu-west-1'] },
      { match: 'continent:EU', regions: ['eu-west-1', 'eu-central-1'] },
      { match: '*', regions: ['us-east-1', 'us-west-2', 'ap-northeast-1', 'sa-east-1', 'eu-west-1', 'eu-central-1'] },
    ],
  },
  { type: 'weighted', weights: { 'us-east-1': 50, 'eu-west-1': 30, 'ap-northeast-1': 20, 'sa-east-1': 0 } },
  { type: 'failover', order: ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-northeast-1', 'sa-east-1'] },
];

const CLIENTS: ClientInfo[] = [
  {},
  { location: places.frankfurt, country: 'DE', continent: 'EU' },
  { location: places.newYork, country: 'US', continent: 'NA' },
  { country: 'FR', continent: 'EU' },
];

/** Every mix of health (and some RTTs) over the regions, from a seeded generator. */
function candidateSets(): RegionCandidate[][] {
  const random = seededRandom(42);
  const sets: RegionCandidate[][] = [[], REGIONS.map((r) => candidate(r)), REGIONS.map((r) => candidate(r, { healthy: false }))];
  for (let i = 0; i < 40; i++) {
    const chosen = REGIONS.filter(() => random() < 0.7);
    sets.push(chosen.map((r) => candidate(r, { healthy: random() < 0.6, ...(random() < 0.5 ? { rttMs: Math.round(random() * 300) } : {}) })));
  }
  return sets;
}

for (const spec of SPECS) {
  describe(`routing policy contract: ${spec.type}`, () => {
    const policy = createPolicy(spec);

    it(`reports its type`, () => {
      assert.equal(policy.type, spec.type);
    });

    it('returns [] for an empty candidate list', () => {
      for (const client of CLIENTS) assert.deepEqual(policy.order(context([], client)), []);
    });

    it('never returns a region outside the candidates, and each at most once', () => {
      for (const candidates of candidateSets()) {
        for (const client of CLIENTS) {
          const order = policy.order(context(candidates, client));
          const allowed = new Set(candidates.map((c) => c.region));
          assert.ok(order.every((r) => allowed.has(r)), `${order.join(',')} ⊄ ${[...allowed].join(',')}`);
          assert.equal(new Set(order).size, order.length, `repeats in ${order.join(',')}`);
        }
      }
    });

    it('lists each region once even if the candidates repeat one', () => {
      const twice = [candidate('eu-west-1'), candidate('us-east-1'), candidate('eu-west-1')];
      const order = policy.order(context(twice, CLIENTS[1]));
      assert.equal(new Set(order).size, order.length);
    });

    it('puts every healthy region before every unhealthy one', () => {
      for (const candidates of candidateSets()) {
        for (const client of CLIENTS) {
          const order = policy.order(context(candidates, client));
          const healthy = order.map((r) => candidates.find((c) => c.region === r)?.healthy);
          const firstUnhealthy = healthy.indexOf(false);
          if (firstUnhealthy >= 0) assert.ok(!healthy.slice(firstUnhealthy).includes(true), `${order.join(',')}: healthy after unhealthy`);
        }
      }
    });

    it('is deterministic given the same random source', () => {
      for (const candidates of candidateSets()) {
        for (const client of CLIENTS) {
          const a = policy.order(context(candidates, client, { random: seededRandom(7) }));
          const b = policy.order(context(candidates, client, { random: seededRandom(7) }));
          assert.deepEqual(a, b);
        }
      }
    });

    it('does not change its input', () => {
      const candidates = REGIONS.map((r, i) => candidate(r, { healthy: i % 2 === 0 }));
      const before = structuredClone(candidates);
      policy.order(context(candidates, CLIENTS[1]));
      assert.deepEqual(candidates, before);
    });
  });
}
