// One suite run against every release strategy: a good candidate is promoted step by step; bad
// ones (errors, slowness, silently wrong outputs) are caught and every region returns to the stable
// version; abort, pause/resume and promote do what they say; a control plane restarted mid-step
// carries on with the same step; missing data pauses with a reason. Real control plane, store and
// judges; fake clock, in-memory provider and synthetic router samples (strategy-harness.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rollout } from '../../src/core/domain.js';
import type { StrategySpec } from '../../src/core/strategy.js';
import { planSteps } from '../../src/rollout/strategies/plan.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { ADMIN, GOOD, strategyEnv, type Behaviour, type StrategyEnv } from './strategy-harness.js';

const REGIONS = ['eu-west-1', 'us-east-1'];

const STRATEGIES: Record<string, StrategySpec> = {
  canary: { type: 'canary', steps: [{ weight: 5, bakeSeconds: 30 }, { weight: 50, bakeSeconds: 30 }, { weight: 100, bakeSeconds: 0 }] },
  'blue-green': { type: 'blue-green', shadowPercent: 20, shadowSeconds: 30, rollbackWindowSeconds: 30 },
  shadow: { type: 'shadow', percent: 50, durationSeconds: 30, autoPromote: true },
  // The CLI's default blue/green: blue measured, then the switch, judged against blue.
  'blue-green without shadow': { type: 'blue-green', shadowPercent: 0, shadowSeconds: 0, rollbackWindowSeconds: 30 },
};

const ERRORS: Behaviour = { ...GOOD, errorRate: 0.2 };
const SLOW: Behaviour = { ...GOOD, latencyMs: 60 };
const WRONG: Behaviour = { ...GOOD, permute: true };

async function withEnv(behaviours: Record<string, Behaviour>, fn: (env: StrategyEnv) => Promise<void>, ratePerSecond?: number, regions = REGIONS): Promise<void> {
  const env = await strategyEnv({ regions, behaviours: { v1: GOOD, ...behaviours }, ...(ratePerSecond !== undefined ? { ratePerSecond } : {}) });
  try {
    await fn(env);
  } finally {
    await env.close();
  }
}

/** Every region's placement: stable version and candidate (if any). */
async function placements(env: StrategyEnv): Promise<string[]> {
  return (await env.store.rollouts.placements('iris')).map((p) => `${p.region}:${p.version}${p.candidate != null ? `+${p.candidate.version}` : ''}`);
}

async function settle(env: StrategyEnv, r: Rollout): Promise<Rollout> {
  return env.controlPlane.settled(r.id);
}

for (const [name, strategy] of Object.entries(STRATEGIES)) {
  const steps = planSteps(strategy);
  describe(`strategy: ${name}`, () => {
    it('promotes a good candidate step by step, with passing analysis at every analysed step', async () => {
      await withEnv({ v2: GOOD }, async (env) => {
        const done = await settle(env, await env.deploy(strategy));
        assert.equal(done.status, 'succeeded', done.reason ?? '');
        assert.deepEqual(await placements(env), REGIONS.map((r) => `${r}:v2`).sort());
        assert.deepEqual(env.provider.status({ version: 'v1' }), [], 'the stable version is retired once promoted');
        const events = await env.events(done.id);
        const applied = events.filter((e) => e.kind === 'strategy.step').map((e) => (e.data as { step: number }).step);
        assert.deepEqual(applied, steps.map((_, i) => i), 'each step applied once, in order');
        const runs = await env.controlPlane.analysis(done.id);
        assert.equal(runs.length, steps.filter((s) => s.kind !== 'await-promote' && s.analyse).length * REGIONS.length);
        assert.ok(runs.every((r) => r.result === 'pass'), JSON.stringify(runs.filter((r) => r.result !== 'pass').map((r) => r.verdicts)));
      });
    });

    for (const [kind, bad, judge] of [
      ['errors on 20% of requests', ERRORS, 'error-rate'],
      ['is three times slower', SLOW, 'latency'],
      ['answers the wrong classes (latency and errors look healthy)', WRONG, name === 'canary' ? 'output-shift' : 'shadow-agreement|output-shift'],
    ] as const) {
      it(`catches a candidate that ${kind} and returns every region to the stable version`, async () => {
        await withEnv({ v2: bad }, async (env) => {
          const t0 = env.clock.now();
          const started = await env.deploy(strategy);
          const done = await settle(env, started);
          assert.equal(done.status, 'rolled_back', done.reason ?? '');
          assert.match(done.reason ?? '', new RegExp(judge));
          assert.deepEqual(await placements(env), REGIONS.map((r) => `${r}:v1`).sort(), 'no candidate left in the routing');
          assert.deepEqual(env.provider.status({ version: 'v2' }), [], 'the candidate is scaled down');
          const table = env.traffic.current().models.iris!;
          for (const r of table.regions) assert.deepEqual(r.versions.map((v) => [v.version, v.weight]), [['v1', 1]]);
          const runs = await env.controlPlane.analysis(done.id);
          const failed = runs.filter((r) => r.result === 'fail');
          assert.ok(failed.length > 0);
          assert.ok(failed.some((r) => r.verdicts.some((v) => v.result === 'fail' && new RegExp(judge).test(v.judge))), JSON.stringify(failed.map((r) => r.verdicts)));
          const events = await env.events(done.id);
          assert.ok(events.some((e) => e.kind === 'strategy.reverted'));
          const metrics = await env.controlPlane.prometheus();
          assert.match(metrics, /meridian_strategy_reverts_total\{code="ANALYSIS_FAILED",model="iris"\} 1/);
          assert.match(metrics, /meridian_analysis_runs_total\{model="iris",result="fail"\} [1-9]/);
          assert.match(metrics, /meridian_placement_weight\{model="iris",region="eu-west-1",role="stable",version="v1"\} 1/);
          const check = await promtoolCheck(metrics);
          assert.equal(check.code, 0, check.output);
          // Users never got the candidate's answers beyond the first step's share (none under shadow or blue/green shadow).
          const served = env.synthetic.served(t0, env.clock.now());
          const share = (served.v2 ?? 0) / ((served.v1 ?? 0) + (served.v2 ?? 0));
          if (name === 'canary') assert.ok(share <= 0.05 + 0.01, `candidate served ${share}`);
          else if (name === 'blue-green without shadow') assert.ok(share > 0, 'blue/green without a shadow exposes users to green until the verdict');
          else assert.equal(served.v2 ?? 0, 0, 'a shadow candidate never answers users');
        });
      });
    }

    it('abort returns every region to the stable version at once', async () => {
      await withEnv({ v2: GOOD }, async (env) => {
        const stepped = env.nextEvent((e) => e.kind === 'strategy.step');
        const r = await env.deploy(strategy);
        await stepped;
        env.clock.hold();
        await env.controlPlane.rolloutCommand(r.id, 'abort', ADMIN);
        env.clock.release();
        const done = await settle(env, r);
        assert.equal(done.status, 'aborted');
        assert.match(done.reason ?? '', /aborted by tester/);
        assert.deepEqual(await placements(env), REGIONS.map((x) => `${x}:v1`).sort());
        assert.deepEqual(env.provider.status({ version: 'v2' }), []);
      });
    });

    it('pause holds the step however long it waits; resume goes on and finishes', async () => {
      await withEnv({ v2: GOOD }, async (env) => {
        const stepped = env.nextEvent((e) => e.kind === 'strategy.step');
        const r = await env.deploy(strategy);
        await stepped;
        env.clock.hold();
        const paused = await env.controlPlane.rolloutCommand(r.id, 'pause', ADMIN);
        assert.equal(paused.status, 'paused');
        const at = paused.progress!.step;
        await assert.rejects(env.controlPlane.rolloutCommand(r.id, 'pause', ADMIN), /already paused/);
        env.clock.advance(3_600_000);
        await new Promise((res) => setTimeout(res, 50));
        const still = await env.controlPlane.getRollout(r.id);
        assert.equal(still.status, 'paused');
        assert.equal(still.progress!.step, at, 'no step advanced while paused');
        // `meridian status` shows the candidate beside the stable version in every region.
        const status = (await env.controlPlane.status('iris'))[0]!;
        assert.equal(status.activeRollout, r.id);
        for (const x of status.regions) {
          assert.equal(x.version, 'v1');
          assert.equal(x.candidate?.version, 'v2');
          assert.match(x.phase, /(canary|shadow) [\d.]+% → v2|v2 ready, no traffic yet/);
        }
        await env.controlPlane.rolloutCommand(r.id, 'resume', ADMIN);
        env.clock.release();
        const done = await settle(env, r);
        assert.equal(done.status, 'succeeded', done.reason ?? '');
      });
    });

    it('promote skips the rest of the current step', async () => {
      // A bake of an hour: only promote makes it finish quickly.
      const long: StrategySpec = strategy.type === 'canary' ? { ...strategy, steps: [{ weight: 10, bakeSeconds: 3600 }, { weight: 100, bakeSeconds: 0 }] } : strategy.type === 'shadow' ? { ...strategy, durationSeconds: 3600 } : strategy.type === 'blue-green' ? { ...strategy, shadowSeconds: 3600 } : strategy;
      await withEnv({ v2: GOOD }, async (env) => {
        const stepped = env.nextEvent((e) => e.kind === 'strategy.step');
        const r = await env.deploy(long);
        await stepped;
        env.clock.hold();
        const t0 = env.clock.now();
        await env.controlPlane.rolloutCommand(r.id, 'promote', ADMIN);
        env.clock.release();
        const done = await settle(env, r);
        assert.equal(done.status, 'succeeded', done.reason ?? '');
        assert.ok(env.clock.now() - t0 < 3_600_000, 'did not wait out the bake');
        assert.ok((await env.events(r.id)).some((e) => e.kind === 'strategy.advanced' && /promoted by tester/.test(e.message)));
      });
    });

    it('a control plane restarted mid-step resumes that step: nothing applied twice, nothing lost', async () => {
      await withEnv({ v2: GOOD }, async (env) => {
        const second = env.nextEvent((e) => e.kind === 'strategy.step' && (e.data as { step: number }).step === Math.min(1, steps.length - 1));
        const r = await env.deploy(strategy);
        await second;
        env.clock.hold();
        await env.restart();
        env.clock.release();
        const done = await settle(env, r);
        assert.equal(done.status, 'succeeded', done.reason ?? '');
        const applied = (await env.events(r.id)).filter((e) => e.kind === 'strategy.step').map((e) => (e.data as { step: number }).step);
        assert.deepEqual(applied, steps.map((_, i) => i));
        assert.deepEqual(await placements(env), REGIONS.map((x) => `${x}:v2`).sort());
      });
    });

    it('too little traffic to judge: inconclusive, paused with the reason — never a silent pass', async () => {
      await withEnv(
        { v2: GOOD },
        async (env) => {
          const r = await env.deploy(strategy);
          const paused = await env.nextEvent((e) => e.kind === 'rollout.paused' && e.rolloutId === r.id);
          assert.match(paused.message, /inconclusive/);
          const now = await env.controlPlane.getRollout(r.id);
          assert.equal(now.status, 'paused');
          assert.match(now.reason ?? '', /only \d+ .*need \d+/);
          const runs = await env.controlPlane.analysis(r.id);
          assert.ok(runs.some((x) => x.result === 'inconclusive'));
          await env.controlPlane.rolloutCommand(r.id, 'abort', ADMIN);
          assert.equal((await settle(env, r)).status, 'aborted');
        },
        2,
      );
    });
  });
}

describe('strategy: across waves', () => {
  it('a failure in one region of the first wave fails the rollout: the wave returns to stable, later waves never start', async () => {
    await withEnv({ v2: GOOD, 'v2@us-east-1': ERRORS }, async (env) => {
      const r = await env.deploy(STRATEGIES.canary!, { waves: [['eu-west-1', 'us-east-1'], ['ap-southeast-1']] });
      const done = await settle(env, r);
      assert.equal(done.status, 'rolled_back');
      const phases = Object.fromEntries(done.regions.map((x) => [x.region, x.phase]));
      assert.equal(phases['ap-southeast-1'], 'skipped');
      assert.equal(phases['eu-west-1'], 'failed', 'the healthy region of the failing wave goes back too');
      assert.equal(phases['us-east-1'], 'failed');
    }, undefined, ['eu-west-1', 'us-east-1', 'ap-southeast-1']);
  });

  it('later waves start only after the first wave passed its canary', async () => {
    await withEnv({ v2: GOOD }, async (env) => {
      const r = await env.deploy(STRATEGIES.canary!, { waves: [['eu-west-1'], ['us-east-1']] });
      const done = await settle(env, r);
      assert.equal(done.status, 'succeeded', done.reason ?? '');
      const events = await env.events(r.id);
      const promotedFirst = events.findIndex((e) => e.kind === 'strategy.wave_promoted');
      const secondStarts = events.findIndex((e) => e.kind === 'region.replicating' && e.region === 'us-east-1');
      assert.ok(promotedFirst >= 0 && secondStarts > promotedFirst, 'wave 2 began after wave 1 was promoted');
    });
  });

  it('refuses commands that do not apply, with a clear error', async () => {
    await withEnv({ v2: GOOD }, async (env) => {
      const r = await env.deploy({ type: 'all-at-once' });
      await assert.rejects(env.controlPlane.rolloutCommand(r.id, 'promote', ADMIN), /all-at-once/);
      const done = await settle(env, r);
      await assert.rejects(env.controlPlane.rolloutCommand(done.id, 'abort', ADMIN), /already ended/);
      await assert.rejects(env.deploy({ type: 'canary', steps: [{ weight: 5, bakeSeconds: 1 }, { weight: 100, bakeSeconds: 0 }], analysis: { maxErrorRat: 0.1 } }), /maxErrorRat/);
    });
  });
});
