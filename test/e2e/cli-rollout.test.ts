// End to end through the real CLI, the real API and real local regions: the seeds' flow on two
// regions, a parallel rollout, halt and rollback when a region's verification fails, residency
// refusal, rollback, history, and auth.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeModel, node } from '../../src/examples/onnx-builder.js';
import { model } from '../helpers/paths.js';
import { killAll, runCli } from '../helpers/processes.js';

/** A model whose outputs change on every run (x + uniform noise): its golden examples can never be reproduced. */
function noisyModel(): Uint8Array {
  return encodeModel({
    graphName: 'noisy',
    docString: 'y = x + RandomUniformLike(x): non-deterministic on purpose, for verification-failure tests',
    nodes: [node('RandomUniformLike', ['input'], ['noise'], { low: 0.25, high: 0.75 }), node('Add', ['input', 'noise'], ['y'])],
    initializers: [],
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
    metadata: {},
  });
}

describe('meridian CLI end to end', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
  const env = { ...process.env, MERIDIAN_HOME: home };
  const cli = (...args: string[]) => runCli(args, env);
  const noisy = join(home, 'noisy.onnx');
  before(async () => {
    writeFileSync(noisy, noisyModel());
    const up = await cli('up', '--detach', '--regions', 'us-east-1', '--replicas', '1', '--data-dir', join(home, 'local'));
    assert.equal(up.code, 0, up.stderr);
  });
  after(async () => {
    await cli('down');
    killAll();
    rmSync(home, { recursive: true, force: true });
  });

  it('models push: stores, a second identical push is a no-op, other bytes under the same version are refused', async () => {
    const first = await cli('models', 'push', model('iris-v1.onnx'), '--name', 'shop', '--version', 'v1');
    assert.equal(first.code, 0, first.stderr);
    const again = await cli('models', 'push', model('iris-v1.onnx'), '--name', 'shop', '--version', 'v1');
    assert.equal(again.code, 0, again.stderr);
    const conflict = await cli('models', 'push', model('iris-v2.onnx'), '--name', 'shop', '--version', 'v1');
    assert.equal(conflict.code, 2);
    assert.match(conflict.stderr, /different bytes/);
    const bad = await cli('models', 'push', join(process.cwd(), 'package.json'), '--name', 'shop', '--version', 'junk');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /onnxruntime/);
    assert.equal((await cli('models', 'push', model('iris-v2.onnx'), '--name', 'shop', '--version', 'v2')).code, 0);
    const list = await cli('models', 'list', '--output', 'json');
    assert.deepEqual(JSON.parse(list.stdout).filter((m: any) => m.model === 'shop').map((m: any) => m.version), ['v1', 'v2']);
  });

  it("the seeds' flow on two regions: deploy region by region, verify, then route", async () => {
    const r = await cli('deploy', 'shop:v1', '--regions', 'us-east-1,eu-west-1');
    assert.equal(r.code, 0, r.stderr);
    // Without a terminal: one line per phase change, in order per region, wave 1 before wave 2.
    const lines = r.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.ok(at(/us-east-1.*verified/) >= 0 && at(/us-east-1.*verified/) < at(/eu-west-1.*replicating/), r.stdout);
    const status = JSON.parse((await cli('status', 'shop', '--output', 'json')).stdout);
    const s = Array.isArray(status) ? status[0] : status;
    assert.deepEqual(s.regions.map((x: any) => [x.region, x.version, x.replicasReady]), [['eu-west-1', 'v1', 2], ['us-east-1', 'v1', 2]]);
  });

  it('a parallel rollout deploys both regions in one wave', async () => {
    const r = await cli('deploy', 'shop:v2', '--regions', 'us-east-1,eu-west-1', '--parallel', '2', '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    const rollout = JSON.parse(r.stdout);
    assert.equal(rollout.status, 'succeeded');
    assert.deepEqual(rollout.waves, [['us-east-1', 'eu-west-1']]);
  });

  it('halts when verification fails: exit 1, the reason shown, later waves never start', async () => {
    assert.equal((await cli('models', 'push', noisy, '--name', 'noisy', '--version', 'v1')).code, 0);
    const r = await cli('deploy', 'noisy:v1', '--regions', 'us-east-1,eu-west-1', '--on-failure', 'halt');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /us-east-1/);
    assert.match(r.stderr, /VERIFICATION_FAILED/);
    assert.match(r.stderr, /golden/);
    const h = JSON.parse((await cli('history', 'noisy', '--output', 'json')).stdout);
    assert.equal(h[0].status, 'halted');
    assert.deepEqual(h[0].regions.map((x: any) => x.phase), ['failed', 'skipped']);
  });

  it('--on-failure rollback returns the rollout to the previous version (exit 1)', async () => {
    assert.equal((await cli('models', 'push', noisy, '--name', 'shop', '--version', 'v3-noisy')).code, 0);
    const r = await cli('deploy', 'shop:v3-noisy', '--regions', 'us-east-1,eu-west-1', '--parallel', '2', '--on-failure', 'rollback', '--output', 'json');
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).status, 'rolled_back');
    const s = JSON.parse((await cli('status', 'shop', '--output', 'json')).stdout);
    assert.deepEqual((Array.isArray(s) ? s[0] : s).regions.map((x: any) => x.version), ['v2', 'v2']);
  });

  it('refuses a residency violation up front (exit 2), naming the region, starting nothing', async () => {
    assert.equal((await cli('models', 'push', model('iris-v2.onnx'), '--name', 'eu-only', '--version', 'v1', '--residency', 'EU')).code, 0);
    const r = await cli('deploy', 'eu-only:v1', '--regions', 'eu-west-1,us-east-1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /us-east-1 \(US\)/);
    const h = await cli('history', 'eu-only', '--output', 'json');
    assert.deepEqual(JSON.parse(h.stdout), []);
  });

  it('rollback returns every region to the previous version', async () => {
    const r = await cli('rollback', 'shop', '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).toVersion, 'v1');
    const h = JSON.parse((await cli('history', 'shop', '--output', 'json')).stdout);
    assert.deepEqual(h.map((x: any) => `${x.kind}:${x.toVersion}:${x.status}`), ['rollback:v1:succeeded', 'deploy:v3-noisy:rolled_back', 'deploy:v2:succeeded', 'deploy:v1:succeeded']);
  });

  it('auth: a viewer may read but not deploy (403); a bad token gets 401', async () => {
    const created = await cli('tokens', 'create', 'dashboard', '--role', 'viewer');
    assert.equal(created.code, 0, created.stderr);
    const token = /mrd_[A-Za-z0-9_-]+/.exec(created.stdout)?.[0];
    assert.ok(token, created.stdout);
    const viewer = { ...env, MERIDIAN_TOKEN: token };
    assert.equal((await runCli(['status'], viewer)).code, 0);
    const denied = await runCli(['deploy', 'shop:v2', '--regions', 'us-east-1'], viewer);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /deployer/);
    const bad = await runCli(['status'], { ...env, MERIDIAN_TOKEN: 'mrd_not-a-real-token' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /token/i);
  });
});
