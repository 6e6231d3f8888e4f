import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sha256File } from '../../src/artifacts/digest.js';
import { RegionArtifactStore } from '../../src/artifacts/region-store.js';
import { isMeridianError } from '../../src/core/errors.js';
import { model } from '../helpers/paths.js';

describe('region artifact store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-store-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('copies content-addressed and verifies the digest', async () => {
    const src = model('mlp.onnx');
    const digest = await sha256File(src);
    const store = new RegionArtifactStore(join(dir, 'eu-west-1'));
    const path = await store.put(src, digest);
    assert.equal(path, join(dir, 'eu-west-1', `${digest}.onnx`));
    assert.equal(await sha256File(path), digest);
    assert.ok(store.has(digest));
  });

  it('discards a corrupted copy and copies again', async () => {
    const src = model('iris-v2.onnx');
    const digest = await sha256File(src);
    const store = new RegionArtifactStore(join(dir, 'us-east-1'));
    const attempts: number[] = [];
    const path = await store.put(src, digest, { maxAttempts: 3, corrupt: (a) => (attempts.push(a), a === 1) });
    assert.deepEqual(attempts, [1, 2]);
    assert.equal(await sha256File(path), digest);
  });

  it('fails with ARTIFACT_DIGEST_MISMATCH after the bounded attempts, leaving no file that looks complete', async () => {
    const src = model('iris-v1.onnx');
    const digest = await sha256File(src);
    const store = new RegionArtifactStore(join(dir, 'ap-south-1'));
    await assert.rejects(store.put(src, digest, { maxAttempts: 3, corrupt: () => true }), (e) => isMeridianError(e, 'ARTIFACT_DIGEST_MISMATCH'));
    assert.deepEqual(readdirSync(store.dir), []);
  });

  it('resumes a partial copy left by a crash', async () => {
    const src = model('mlp.onnx');
    const digest = await sha256File(src);
    const store = new RegionArtifactStore(join(dir, 'sa-east-1'));
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(join(store.dir, `${digest}.partial`), readFileSync(src).subarray(0, 1_000_000));
    const path = await store.put(src, digest);
    assert.equal(await sha256File(path), digest);
    assert.ok(!existsSync(join(store.dir, `${digest}.partial`)));
  });

  it('shares one copy between concurrent puts of the same artifact', async () => {
    const src = model('mlp.onnx');
    const digest = await sha256File(src);
    const store = new RegionArtifactStore(join(dir, 'eu-central-1'));
    const paths = await Promise.all([store.put(src, digest), store.put(src, digest), new RegionArtifactStore(store.dir).put(src, digest)]);
    assert.deepEqual(new Set(paths), new Set([store.pathOf(digest)]));
    assert.equal(await sha256File(store.pathOf(digest)), digest);
  });
});
