// Test helper: builds the example models into a fresh temporary directory and removes it afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExampleModels, type ExampleModelsManifest } from '../../src/examples/index.js';

export interface BuiltModels {
  readonly dir: string;
  readonly manifest: ExampleModelsManifest;
  remove(): Promise<void>;
}

export async function buildIntoTempDir(): Promise<BuiltModels> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-examples-'));
  const manifest = await buildExampleModels(dir);
  return { dir, manifest, remove: () => rm(dir, { recursive: true, force: true }) };
}
