// The registry's own artifact store: model bytes content-addressed by sha256, written to a
// temporary name and renamed, so a file under its digest name is always complete.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class BlobStore {
  constructor(readonly dir: string) {}

  pathOf(digest: string): string {
    return join(this.dir, `${digest}.onnx`);
  }

  has(digest: string): boolean {
    return existsSync(this.pathOf(digest));
  }

  /** Stores the bytes under their digest (idempotent) and returns the digest. */
  put(bytes: Uint8Array): string {
    const digest = sha256Hex(bytes);
    if (this.has(digest)) return digest;
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `${digest}.${process.pid}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, this.pathOf(digest));
    return digest;
  }
}
