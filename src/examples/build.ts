// Builds every example model into one directory, reproducibly: the same generator version gives
// byte-identical .onnx files and manifest.json on every machine and every run.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildIrisCandidate } from './candidate-models.js';
import { IRIS_CANDIDATES } from './candidates.js';
import { DTYPES_INPUTS, DTYPES_OUTPUTS, dtypesModelBytes } from './dtypes-model.js';
import { IRIS_INPUTS, IRIS_OUTPUTS, irisModelBytes } from './iris-model.js';
import { IRIS_RECIPES, trainIrisVersion, type TrainedIris } from './iris-versions.js';
import {
  GENERATOR_VERSION,
  MANIFEST_FILE,
  readCurrentManifest,
  sha256Hex,
  type ExampleModelEntry,
  type ExampleModelKey,
  type ExampleModelsManifest,
} from './manifest.js';
import { MLP_INPUTS, MLP_OUTPUTS, mlpLayers, mlpModelBytes } from './mlp-model.js';

/**
 * Trains, exports and writes iris-v1.onnx, iris-v2.onnx, mlp.onnx, dtypes.onnx, the iris candidates
 * (iris-good-a.onnx, iris-bad-errors.onnx, …: candidates.ts) and manifest.json.
 */
export async function buildExampleModels(outDir: string): Promise<ExampleModelsManifest> {
  await mkdir(outDir, { recursive: true });
  const models: Partial<Record<ExampleModelKey, ExampleModelEntry>> = {};
  const write = async (key: ExampleModelKey, bytes: Uint8Array, entry: Omit<ExampleModelEntry, 'file' | 'sha256' | 'bytes'>) => {
    const file = `${key}.onnx`;
    await writeAtomically(join(outDir, file), bytes);
    models[key] = { file, sha256: sha256Hex(bytes), bytes: bytes.byteLength, ...entry };
  };

  let v2: TrainedIris | undefined;
  for (const recipe of IRIS_RECIPES) {
    const trained = trainIrisVersion(recipe);
    if (recipe.version === 'v2') v2 = trained;
    const bytes = irisModelBytes(trained.params, recipe, trained.data.classes, trained.report);
    await write(`iris-${recipe.version}`, bytes, { model: 'iris', version: recipe.version, inputs: IRIS_INPUTS, outputs: IRIS_OUTPUTS, training: trained.report });
  }
  for (const candidate of IRIS_CANDIDATES) {
    const built = buildIrisCandidate(candidate, v2);
    const { fault, description } = candidate;
    await write(candidate.key, built.bytes, { model: 'iris', version: candidate.version, inputs: IRIS_INPUTS, outputs: IRIS_OUTPUTS, training: built.report, candidate: { fault, description } });
  }
  await write('mlp', mlpModelBytes(mlpLayers()), { model: 'mlp', version: 'v1', inputs: MLP_INPUTS, outputs: MLP_OUTPUTS });
  await write('dtypes', dtypesModelBytes(), { model: 'dtypes', version: 'v1', inputs: DTYPES_INPUTS, outputs: DTYPES_OUTPUTS });

  const manifest: ExampleModelsManifest = { generatorVersion: GENERATOR_VERSION, models: models as Record<ExampleModelKey, ExampleModelEntry> };
  // Written last: a directory whose build was interrupted has no current manifest and is rebuilt.
  await writeAtomically(join(outDir, MANIFEST_FILE), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return manifest;
}

/** Reuses `outDir` when its manifest is current (same generator, digests match), else rebuilds. */
export async function ensureExampleModels(outDir: string): Promise<{ manifest: ExampleModelsManifest; rebuilt: boolean }> {
  const current = await readCurrentManifest(outDir);
  if (current !== undefined) return { manifest: current, rebuilt: false };
  return { manifest: await buildExampleModels(outDir), rebuilt: true };
}

/** Write then rename, so a reader (a model server loading models/) never sees half a file. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}
