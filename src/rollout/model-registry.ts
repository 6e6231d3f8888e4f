// `meridian models push`: validate with onnxruntime, store the bytes content-addressed, record
// signature, residency and golden examples. Same name:version with other bytes is refused;
// identical bytes again are a no-op. Nothing is stored when anything fails.
import type { BlobStore } from '../artifacts/blob-store.js';
import { sha256Hex } from '../artifacts/blob-store.js';
import { computeGoldenExamples } from '../artifacts/golden.js';
import { inspectOnnx } from '../artifacts/onnx-inspect.js';
import type { PushResult } from '../core/domain.js';
import { MeridianError } from '../core/errors.js';
import { JURISDICTIONS } from '../core/regions.js';
import type { Store } from '../store/store.js';
import { checkName } from '../core/names.js';

export function checkResidencyList(residency: string[] | null): void {
  if (residency === null) return;
  if (residency.length === 0) throw new MeridianError('INVALID_ARGUMENT', 'residency: the list is empty; name jurisdictions such as EU,UK or leave it out');
  const bad = residency.filter((j) => !(JURISDICTIONS as readonly string[]).includes(j));
  if (bad.length > 0) throw new MeridianError('INVALID_ARGUMENT', `residency: unknown jurisdiction ${bad.map((b) => `"${b}"`).join(', ')}; known: ${JURISDICTIONS.join(', ')}`);
}

export async function pushModel(store: Store, blobs: BlobStore, model: string, version: string, bytes: Uint8Array, residency: string[] | null, actor: string): Promise<PushResult> {
  checkName('model', model);
  checkName('version', version);
  checkResidencyList(residency);
  const digest = sha256Hex(bytes);
  const existing = await store.models.get(model, version);
  if (existing !== undefined) {
    const sameResidency = JSON.stringify(existing.residency) === JSON.stringify(residency);
    if (existing.digest === digest && sameResidency) return { created: false, version: existing };
    throw new MeridianError(
      'VERSION_CONFLICT',
      existing.digest !== digest
        ? `${model}:${version} already exists with different bytes (sha256 ${existing.digest.slice(0, 12)}…, yours ${digest.slice(0, 12)}…); versions are immutable: push under a new version`
        : `${model}:${version} already exists with residency ${existing.residency?.join(',') ?? 'anywhere'}; versions are immutable: push under a new version to change it`,
    );
  }
  const signature = await inspectOnnx(bytes);
  const golden = await computeGoldenExamples(bytes, signature);
  blobs.put(bytes);
  const created = await store.models.insert({ model, version, digest, bytes: bytes.length, residency, inputs: signature.inputs, outputs: signature.outputs, golden }, actor);
  return { created: true, version: created };
}
