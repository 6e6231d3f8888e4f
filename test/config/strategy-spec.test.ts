// Strategy specs as users write them — API JSON, `meridian deploy` flags, `meridian apply -f` YAML —
// come out checked and with defaults, and every mistake is refused naming the field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/processes.js';
import { parseRolloutManifest } from '../../src/config/rollout-manifest.js';
import { DEFAULT_CANARY_STEPS, durationSeconds, parseCanaryStepsFlag, parseStrategy } from '../../src/config/strategy-spec.js';
import { isMeridianError } from '../../src/core/errors.js';
import { strategyFromFlags } from '../../src/cli/strategy-flags.js';
import { planSteps } from '../../src/rollout/strategies/plan.js';

const refused = (fn: () => unknown, field: RegExp): void => assert.throws(fn, (e) => (isMeridianError(e, 'INVALID_ARGUMENT') || isMeridianError(e, 'USAGE')) && field.test(e.message));

describe('strategy specs', () => {
  it('fills in defaults: all-at-once when absent, the customary canary steps, blue/green and shadow windows', () => {
    assert.deepEqual(parseStrategy(undefined), { type: 'all-at-once' });
    assert.deepEqual(parseStrategy({ type: 'canary' }), { type: 'canary', steps: [...DEFAULT_CANARY_STEPS] });
    assert.deepEqual(parseStrategy({ type: 'blue-green' }), { type: 'blue-green', shadowPercent: 0, shadowSeconds: 0, rollbackWindowSeconds: 60 });
    assert.deepEqual(parseStrategy({ type: 'shadow' }), { type: 'shadow', percent: 20, durationSeconds: 60, autoPromote: false });
    // A canary always ends at 100%: it is added when missing.
    assert.deepEqual(parseStrategy({ type: 'canary', steps: [{ weight: 10, bakeSeconds: 5 }] }), { type: 'canary', steps: [{ weight: 10, bakeSeconds: 5 }, { weight: 100, bakeSeconds: 0 }] });
  });

  it('refuses mistakes, naming the field and what to write', () => {
    refused(() => parseStrategy({ type: 'linear' }), /strategy\.type.*canary/);
    refused(() => parseStrategy({ type: 'canary', steps: [{ weight: 50 }, { weight: 20 }] }), /steps\[1\]\.weight.*grow/);
    refused(() => parseStrategy({ type: 'canary', steps: [{ weight: 0 }] }), /steps\[0\]\.weight/);
    refused(() => parseStrategy({ type: 'canary', step: [] }), /strategy\.step.*unknown field/);
    refused(() => parseStrategy({ type: 'shadow', percent: 0 }), /strategy\.percent/);
    refused(() => parseStrategy({ type: 'blue-green', shadowPercent: 10, shadowSeconds: 0 }), /shadowSeconds/);
    refused(() => parseStrategy({ type: 'canary', analysis: { maxErrorRate: 'low' } }), /analysis\.maxErrorRate/);
  });

  it('expands into the steps the reconciler runs', () => {
    assert.deepEqual(planSteps({ type: 'canary', steps: [{ weight: 5, bakeSeconds: 30 }, { weight: 100, bakeSeconds: 0 }] }), [{ kind: 'split', weight: 0.05, bakeMs: 30_000, analyse: true }]);
    assert.deepEqual(planSteps({ type: 'blue-green', shadowPercent: 20, shadowSeconds: 10, rollbackWindowSeconds: 60 }).map((s) => s.kind), ['mirror', 'switch']);
    assert.deepEqual(planSteps({ type: 'shadow', percent: 10, durationSeconds: 60, autoPromote: false }).map((s) => s.kind), ['mirror', 'await-promote']);
    assert.deepEqual(planSteps({ type: 'all-at-once' }), []);
  });
});

describe('meridian deploy strategy flags', () => {
  it('turns flags into a spec', () => {
    assert.equal(strategyFromFlags({}), undefined);
    assert.deepEqual(strategyFromFlags({ strategy: 'canary', steps: '5:30s,25:1m,100' }), { type: 'canary', steps: [{ weight: 5, bakeSeconds: 30 }, { weight: 25, bakeSeconds: 60 }, { weight: 100, bakeSeconds: 0 }] });
    assert.deepEqual(strategyFromFlags({ strategy: 'shadow', percent: '50%', duration: '2m', 'auto-promote': true }), { type: 'shadow', percent: 50, durationSeconds: 120, autoPromote: true });
    assert.deepEqual(strategyFromFlags({ strategy: 'blue-green', percent: '10', duration: '30s', 'rollback-window': '5m', analysis: 'maxErrorRate=0.02' }), { type: 'blue-green', shadowPercent: 10, shadowSeconds: 30, rollbackWindowSeconds: 300, analysis: { maxErrorRate: 0.02 } });
    assert.deepEqual(parseCanaryStepsFlag('10,100'), [{ weight: 10, bakeSeconds: 30 }, { weight: 100, bakeSeconds: 0 }]);
    assert.equal(durationSeconds('500ms', 'x'), 0.5);
  });

  it('refuses flags that do not fit, with exit-2 usage errors', () => {
    refused(() => strategyFromFlags({ steps: '5,100' }), /--steps needs --strategy/);
    refused(() => strategyFromFlags({ strategy: 'canary', percent: '5' }), /--percent does not apply to --strategy canary/);
    refused(() => strategyFromFlags({ strategy: 'rolling' }), /--strategy: "rolling"/);
    refused(() => strategyFromFlags({ strategy: 'canary', steps: '5:soon' }), /--steps.*duration/);
    refused(() => strategyFromFlags({ strategy: 'canary', analysis: 'maxErrorRate' }), /--analysis/);
  });
});

describe('meridian apply -f manifests', () => {
  const YAML = `apiVersion: meridian/v1
kind: Rollout
model: iris
version: v3
waves: [[us-east-1], [eu-west-1, eu-central-1]]
onFailure: rollback
strategy:
  type: canary
  steps:
    - { weight: 10, bakeSeconds: 60 }
    - { weight: 100 }
  analysis: { maxErrorRate: 0.02 }
`;

  it('reads model, version, waves, failure mode and strategy', () => {
    assert.deepEqual(parseRolloutManifest(YAML, 'r.yaml'), {
      model: 'iris',
      request: { version: 'v3', regions: ['us-east-1', 'eu-west-1', 'eu-central-1'], waves: [['us-east-1'], ['eu-west-1', 'eu-central-1']], onFailure: 'rollback', strategy: { type: 'canary', steps: [{ weight: 10, bakeSeconds: 60 }, { weight: 100, bakeSeconds: 0 }], analysis: { maxErrorRate: 0.02 } } },
    });
  });

  it('refuses a broken file naming the file, the line or the field', () => {
    refused(() => parseRolloutManifest('model: [unclosed', 'r.yaml'), /r\.yaml: not valid YAML/);
    refused(() => parseRolloutManifest('model: iris\nversion: v3\nregion: [us-east-1]\n', 'r.yaml'), /r\.yaml: region: unknown field/);
    refused(() => parseRolloutManifest('model: iris\nversion: v3\n', 'r.yaml'), /r\.yaml: regions: required/);
    refused(() => parseRolloutManifest(YAML.replace('type: canary', 'type: linear'), 'r.yaml'), /r\.yaml: strategy\.type/);
    refused(() => parseRolloutManifest(YAML.replace('onFailure: rollback', 'onFailure: retry'), 'r.yaml'), /onFailure/);
    refused(() => parseRolloutManifest(YAML.replace('kind: Rollout', 'kind: Deployment'), 'r.yaml'), /kind/);
  });
});

describe('meridian apply (the command)', () => {
  it('exits 2 on a bad manifest before contacting anything, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-apply-'));
    try {
      const file = join(dir, 'rollout.yaml');
      writeFileSync(file, 'model: iris\nversion: v3\nregions: [us-east-1]\nstrategy: { type: canary, steps: [{ weight: 50 }, { weight: 10 }] }\n');
      // No control plane is configured: a refusal here proves the file was checked first.
      const r = await runCli(['apply', '-f', file], { ...process.env, MERIDIAN_HOME: dir, MERIDIAN_API_URL: 'http://127.0.0.1:9' });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /strategy\.steps\[1\]\.weight/);
      const missing = await runCli(['apply', '-f', join(dir, 'nope.yaml')], { ...process.env, MERIDIAN_HOME: dir });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
