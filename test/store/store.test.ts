// The durable store on a real SQLite file: migrations, repositories, the append-only event log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Store } from '../../src/store/store.js';

describe('store (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-store-'));
  const path = join(dir, 'meridian.db');
  let store: Store;
  before(async () => {
    store = await Store.open(path);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs in WAL mode', async () => {
    const r = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
    assert.equal(r.rows[0]?.journal_mode, 'wal');
  });

  it('creates, finds and revokes tokens by hash only', async () => {
    const t = await store.tokens.create('ci', 'deployer', 'test');
    assert.match(t.token, /^mrd_/);
    assert.deepEqual(await store.tokens.find(t.token), { id: t.id, name: 'ci', role: 'deployer', createdAt: t.createdAt });
    const raw = await store.db.selectFrom('tokens').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
    assert.notEqual(raw.token_hash, t.token);
    assert.equal(await store.tokens.revoke(t.id, 'test'), true);
    assert.equal(await store.tokens.find(t.token), undefined);
  });

  it('stores model versions with signature, residency and golden examples', async () => {
    await store.models.insert({ model: 'iris', version: 'v1', digest: 'a'.repeat(64), bytes: 10, residency: ['EU'], inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }], outputs: [], golden: [{ x: 1 }] }, 'alice');
    const v = await store.models.get('iris', 'v1');
    assert.deepEqual(v?.residency, ['EU']);
    assert.equal(v?.goldenExamples, 1);
    assert.deepEqual(v?.golden, [{ x: 1 }]);
    assert.equal(v?.createdBy, 'alice');
    assert.deepEqual(await store.models.versionsOf('iris'), ['v1']);
  });

  it('records rollouts, region phases and placements, each with an event', async () => {
    const r = await store.rollouts.create({ model: 'iris', kind: 'deploy', fromVersion: null, toVersion: 'v1', onFailure: 'halt', waves: [['eu-west-1'], ['eu-central-1', 'eu-north-1']], replicas: 2, previous: {}, strategy: { type: 'all-at-once' } }, 'alice');
    assert.equal(r.status, 'pending');
    assert.deepEqual(r.regions.map((x) => [x.region, x.wave, x.phase]), [['eu-west-1', 0, 'pending'], ['eu-central-1', 1, 'pending'], ['eu-north-1', 1, 'pending']]);
    await store.rollouts.setRegionPhase(r.id, 'eu-west-1', 'failed', { reason: 'golden mismatch', errorCode: 'VERIFICATION_FAILED', checks: [{ name: 'golden', ok: false, detail: 'x' }] }, 'reconciler', 'eu-west-1 failed');
    await store.rollouts.setStatus(r.id, 'halted', 'eu-west-1 failed', 'reconciler', 'halted');
    await store.rollouts.setPlacement({ model: 'iris', region: 'eu-west-1', version: 'v1', replicas: 2 }, 'reconciler', r.id);
    const back = await store.rollouts.get(r.id);
    assert.equal(back?.status, 'halted');
    assert.equal(back?.regions[0]?.errorCode, 'VERIFICATION_FAILED');
    assert.deepEqual(await store.rollouts.placements('iris'), [{ model: 'iris', region: 'eu-west-1', version: 'v1', replicas: 2, candidate: null }]);
    assert.deepEqual(await store.rollouts.active(), []);
    const kinds = (await store.events.list({ rolloutId: r.id })).map((e) => e.kind);
    assert.deepEqual(kinds, ['rollout.created', 'region.failed', 'rollout.halted', 'traffic.routed']);
  });

  it('refuses to change or delete events (append-only audit trail)', async () => {
    await assert.rejects(store.db.updateTable('events').set({ message: 'x' }).execute(), /append-only/);
    await assert.rejects(store.db.deleteFrom('events').execute(), /append-only/);
  });

  it('tells subscribers about committed events', async () => {
    const seen: string[] = [];
    const stop = store.events.subscribe((e) => seen.push(e.kind));
    await store.tokens.create('viewer', 'viewer', 'admin');
    stop();
    assert.deepEqual(seen, ['token.created']);
  });

  it('keeps everything across a reopen, and migrating again is a no-op', async () => {
    const again = await Store.open(path);
    assert.deepEqual(await again.models.versionsOf('iris'), ['v1']);
    assert.equal((await again.rollouts.list('iris')).length, 1);
    await again.close();
  });
});
