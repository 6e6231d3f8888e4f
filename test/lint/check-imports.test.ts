// The import checker that `npm run lint` runs must catch what it claims to: cycles and imports
// against ARCHITECTURE.md's layers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const script = resolve('scripts/check-imports.mjs');

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'meridian-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('check-imports', () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  const run = (files: Record<string, string>) => {
    const root = project(files);
    roots.push(root);
    return spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
  };

  it('passes the project itself', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('finds an import cycle', () => {
    const r = run({ 'src/core/a.ts': "import { b } from './b.js';\nexport const a = b;", 'src/core/b.ts': "import type { a } from './a.js';\nexport const b = 1;" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cycle: core\/a\.ts → core\/b\.ts → core\/a\.ts/);
  });

  it('finds an import against the layers', () => {
    const r = run({ 'src/serving/s.ts': "import { x } from '../rollout/r.js';\nexport const s = x;", 'src/rollout/r.ts': 'export const x = 1;' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /layer: src\/serving\/s\.ts imports src\/rollout\/r\.ts — serving\/ may import only/);
  });
});
