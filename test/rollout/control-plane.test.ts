// The control plane end to end below the HTTP layer: real SQLite, real model-server processes,
// real verification. The seeds' flow, waves, halt and rollback, residency, push rules.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeLocalControlPlane, type LocalControlPlane } from '../../src/bin/compose-local.js';
import { isMeridianError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import type { Principal } from '../../src/rollout/service.js';
import { model } from '../helpers/paths.js';

const alice: Principal = { name: 'alice', role: 'deployer' };
const bytes = (f: string): Uint8Array => readFileSync(model(f));

describe('control plane (service level)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cp-'));
  let env: LocalControlPlane;
  /** Regions whose artifact copies arrive damaged, to fail one region on purpose. */
  const damaged = new Set<string>();
  /** A region that has never held the artifact, so it must copy it (and can be damaged doing so). */
  const forgetArtifacts = (region: string): void => rmSync(join(dir, 'regions', region, 'artifacts'), { recursive: true, force: true });
  before(async () => {
    env = await composeLocalControlPlane({
      dataDir: dir,
      logger: silentLogger,
      replicator: (base) => ({
        replicate: (region, digest) => (damaged.has(region) ? base.storeOf(region).put(join(dir, 'registry', `${digest}.onnx`), digest, { maxAttempts: 3, corrupt: () => true }) : base.replicate(region, digest)),
      }),
    });
    await env.controlPlane.start();
  });
  after(async () => {
    await env.close();
    await env.provider.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cp = () => env.controlPlane;

  it('push: stores a model, a second identical push is a no-op, other bytes are refused, garbage is refused', async () => {
    const first = await cp().pushModel('iris', 'v1', bytes('iris-v1.onnx'), null, alice);
    assert.equal(first.created, true);
    assert.deepEqual(first.version.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }]);
    assert.ok(first.version.goldenExamples >= 1);
    assert.equal((await cp().pushModel('iris', 'v1', bytes('iris-v1.onnx'), null, alice)).created, false);
    await assert.rejects(cp().pushModel('iris', 'v1', bytes('iris-v2.onnx'), null, alice), (e) => isMeridianError(e, 'VERSION_CONFLICT'));
    await assert.rejects(cp().pushModel('iris', 'bad', new TextEncoder().encode('not a model'), null, alice), (e) => isMeridianError(e, 'MODEL_INVALID'));
    assert.deepEqual((await cp().listModels('iris')).map((v) => v.version), ['v1']);
    await cp().pushModel('iris', 'v2', bytes('iris-v2.onnx'), null, alice);
  });

  it('deploys region by region: each verified before the next starts, routed only after verification', async () => {
    const r = await cp().deploy('iris', { version: 'v1', regions: ['us-east-1', 'eu-west-1'] }, alice);
    assert.deepEqual(r.waves, [['us-east-1'], ['eu-west-1']]);
    const done = await cp().settled(r.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.regions));
    const events = await cp().events({ rolloutId: r.id });
    const order = events.filter((e) => e.kind === 'region.verified' || e.kind === 'region.replicating' || e.kind === 'traffic.routed').map((e) => `${e.kind}:${e.region}`);
    assert.deepEqual(order, ['region.replicating:us-east-1', 'traffic.routed:us-east-1', 'region.verified:us-east-1', 'region.replicating:eu-west-1', 'traffic.routed:eu-west-1', 'region.verified:eu-west-1']);
    const table = env.traffic.current();
    assert.deepEqual(table.models.iris?.regions.map((x) => [x.region, x.versions[0]?.version, x.versions[0]?.endpoints.length]), [['eu-west-1', 'v1', 2], ['us-east-1', 'v1', 2]]);
    assert.deepEqual(table.models.iris?.policy, { type: 'latency' });
    const [status] = await cp().status('iris');
    assert.equal(status?.currentVersion, 'v1');
    assert.deepEqual(status?.regions.map((x) => [x.region, x.version, x.replicasReady, x.health]), [['eu-west-1', 'v1', 2, 'healthy'], ['us-east-1', 'v1', 2, 'healthy']]);
  });

  it('deploys a new version in parallel and retires the old one afterwards', async () => {
    const r = await cp().deploy('iris', { version: 'v2', regions: ['us-east-1', 'eu-west-1'], parallel: 2 }, alice);
    assert.deepEqual(r.waves, [['us-east-1', 'eu-west-1']]);
    assert.equal((await cp().settled(r.id)).status, 'succeeded');
    assert.deepEqual(env.provider.status({ model: 'iris' }).map((x) => x.version), ['v2', 'v2', 'v2', 'v2']);
  });

  it('refuses a residency violation up front, naming the regions, and starts nothing', async () => {
    await cp().pushModel('iris', 'eu-only', bytes('iris-v2.onnx'), ['EU'], alice);
    const before = (await cp().history('iris')).length;
    await assert.rejects(cp().deploy('iris', { version: 'eu-only', regions: ['eu-west-1', 'us-east-1', 'ap-southeast-1'] }, alice), (e) => isMeridianError(e, 'RESIDENCY_VIOLATION') && /not allowed: us-east-1 \(US\), ap-southeast-1 \(SG\)/.test(e.message));
    assert.equal((await cp().history('iris')).length, before, 'no rollout recorded');
    assert.equal(env.provider.status({ version: 'eu-only' }).length, 0, 'nothing started');
  });

  it('refuses unknown versions and regions with suggestions', async () => {
    await assert.rejects(cp().deploy('iris', { version: 'v9', regions: ['us-east-1'] }, alice), (e) => isMeridianError(e, 'MODEL_VERSION_UNKNOWN') && /known versions: v1, v2/.test(e.message));
    await assert.rejects(cp().deploy('iris', { version: 'v2', regions: ['us-east-9'] }, alice), (e) => isMeridianError(e, 'REGION_UNKNOWN'));
  });

  it('halts when a region fails: later waves never start, the failed region keeps serving the previous version', async () => {
    damaged.add('us-east-1');
    forgetArtifacts('us-east-1');
    try {
      const r = await cp().deploy('iris', { version: 'v1', regions: ['us-east-1', 'eu-west-1'], onFailure: 'halt' }, alice);
      const done = await cp().settled(r.id);
      assert.equal(done.status, 'halted');
      assert.deepEqual(done.regions.map((x) => [x.region, x.phase, x.errorCode]), [['us-east-1', 'failed', 'ARTIFACT_DIGEST_MISMATCH'], ['eu-west-1', 'skipped', null]]);
      assert.match(done.reason ?? '', /us-east-1: ARTIFACT_DIGEST_MISMATCH/);
      assert.deepEqual((await env.store.rollouts.placements('iris')).map((p) => [p.region, p.version]), [['eu-west-1', 'v2'], ['us-east-1', 'v2']]);
    } finally {
      damaged.delete('us-east-1');
    }
  });

  it('rolls every region of the rollout back when a later region fails with --on-failure rollback', async () => {
    damaged.add('eu-west-1');
    forgetArtifacts('eu-west-1');
    try {
      const r = await cp().deploy('iris', { version: 'v1', waves: [['us-east-1'], ['eu-west-1']], regions: ['us-east-1', 'eu-west-1'], onFailure: 'rollback' }, alice);
      const done = await cp().settled(r.id);
      assert.equal(done.status, 'rolled_back', JSON.stringify(done.regions));
      assert.deepEqual(done.regions.map((x) => [x.region, x.phase]), [['us-east-1', 'rolled_back'], ['eu-west-1', 'failed']]);
      assert.deepEqual((await env.store.rollouts.placements('iris')).map((p) => [p.region, p.version]), [['eu-west-1', 'v2'], ['us-east-1', 'v2']]);
      assert.deepEqual(env.provider.status({ model: 'iris' }).map((x) => x.version), ['v2', 'v2', 'v2', 'v2'], 'v1 replicas retired');
    } finally {
      damaged.delete('eu-west-1');
    }
  });

  it('fails verification when golden outputs no longer match (and halts)', async () => {
    // v4 is iris-v2's bytes, but its recorded golden outputs are iris-v1's: as if the region ran the model differently.
    await cp().pushModel('iris', 'v4', bytes('iris-v2.onnx'), ['EU', 'US'], alice).catch(() => undefined);
    const v1 = await env.store.models.get('iris', 'v1');
    await env.store.db.updateTable('model_versions').set({ golden: JSON.stringify(v1!.golden) }).where('version', '=', 'v4').execute();
    const r = await cp().deploy('iris', { version: 'v4', regions: ['eu-west-1'] }, alice);
    const done = await cp().settled(r.id);
    assert.equal(done.status, 'halted');
    assert.equal(done.regions[0]?.errorCode, 'VERIFICATION_FAILED');
    assert.match(done.regions[0]?.reason ?? '', /golden/);
    assert.ok(done.regions[0]?.checks.some((c) => c.name === 'golden' && !c.ok));
  });

  it('rollback returns every region to the previous version through the same gates', async () => {
    const r = await cp().rollback('iris', {}, alice);
    assert.equal(r.kind, 'rollback');
    assert.equal(r.toVersion, 'v1');
    const done = await cp().settled(r.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.regions));
    assert.deepEqual((await env.store.rollouts.placements('iris')).map((p) => p.version), ['v1', 'v1']);
  });

  it('monitors serving regions: a hung region shows as down in status, with an event', async () => {
    await cp().health.probeAll();
    const before = (await cp().status('iris'))[0]!.regions.find((x) => x.region === 'eu-west-1');
    assert.equal(before?.health, 'healthy');
    env.provider.fail({ region: 'eu-west-1' }, 'hang');
    try {
      await cp().health.probeAll();
      await cp().health.probeAll();
      const after = (await cp().status('iris'))[0]!.regions.find((x) => x.region === 'eu-west-1');
      assert.equal(after?.health, 'down');
      const ev = (await cp().events({ model: 'iris', region: 'eu-west-1' })).filter((e) => e.kind === 'region.health').pop();
      assert.match(ev?.message ?? '', /eu-west-1: (healthy|degraded) → down/);
    } finally {
      await env.provider.restore({ region: 'eu-west-1' });
    }
  });
});
