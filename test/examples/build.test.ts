// Reproducibility and reuse: two builds are byte-identical; the CLI reuses a current directory and
// rebuilds one whose files no longer match their digests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readCurrentManifest, sha256Hex } from '../../src/examples/index.js';
import { buildIntoTempDir, type BuiltModels } from './built-models.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist', 'src', 'bin', 'build-models.js');

void describe('building the example models', () => {
  let first: BuiltModels;
  let second: BuiltModels;
  before(async () => {
    first = await buildIntoTempDir();
    second = await buildIntoTempDir();
  });
  after(async () => {
    await first.remove();
    await second.remove();
  });

  void test('two builds give byte-identical files, manifest included', async () => {
    const names = (await readdir(first.dir)).sort();
    assert.deepEqual(names, [
      'dtypes.onnx',
      'iris-bad-errors.onnx',
      'iris-bad-hang.onnx',
      'iris-bad-shifted.onnx',
      'iris-bad-slow.onnx',
      'iris-bad-wrong.onnx',
      'iris-good-a.onnx',
      'iris-good-b.onnx',
      'iris-v1.onnx',
      'iris-v2.onnx',
      'manifest.json',
      'mlp.onnx',
    ]);
    assert.deepEqual((await readdir(second.dir)).sort(), names);
    for (const name of names) {
      const a = await readFile(join(first.dir, name));
      const b = await readFile(join(second.dir, name));
      assert.ok(a.equals(b), `${name} differs between builds`);
    }
  });

  void test('manifest digests are the sha256 of the files', async () => {
    for (const entry of Object.values(first.manifest.models)) {
      assert.equal(entry.sha256, sha256Hex(await readFile(join(first.dir, entry.file))), entry.file);
    }
    assert.deepEqual(await readCurrentManifest(first.dir), first.manifest);
  });

  void test('the CLI reuses a current directory and rebuilds a corrupted one', async () => {
    const reused = await run(process.execPath, [CLI, '--out', second.dir]);
    assert.match(reused.stdout, /is current/);
    assert.match(reused.stdout, /iris-v1\.onnx +held-out accuracy 0\.\d{3} \(train 0\.\d{3}\)/);

    await writeFile(join(second.dir, 'iris-v2.onnx'), 'not a model');
    assert.equal(await readCurrentManifest(second.dir), undefined);
    const rebuilt = await run(process.execPath, [CLI, '--out', second.dir]);
    assert.match(rebuilt.stdout, /built /);
    assert.ok((await readFile(join(second.dir, 'iris-v2.onnx'))).equals(await readFile(join(first.dir, 'iris-v2.onnx'))));
  });

  void test('the CLI names a bad flag and exits 2', async () => {
    await assert.rejects(run(process.execPath, [CLI, '--output', 'x']), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr ?? '', /--output/);
      return true;
    });
  });
});
