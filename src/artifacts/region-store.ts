// A region's artifact store (local provider: one directory per region), content-addressed by
// sha256. Copies land in `<digest>.partial` and are renamed to `<digest>.onnx` only after the
// digest is verified, so a file that looks complete always is. A partial copy left by a crash is
// resumed from where it stopped.
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MeridianError } from '../core/errors.js';
import { sha256File } from './digest.js';

export interface ReplicateOptions {
  /** Attempts before the region fails with ARTIFACT_DIGEST_MISMATCH. */
  maxAttempts: number;
  /** Drill/test seam at the I/O boundary: when it returns true, that attempt's copy is damaged in flight. */
  corrupt?: (attempt: number) => boolean;
}

/** Copies in progress, by destination: two rollouts needing the same bytes in the same region share one copy. */
const inFlight = new Map<string, Promise<string>>();

export class RegionArtifactStore {
  constructor(readonly dir: string) {}

  pathOf(digest: string): string {
    return join(this.dir, `${digest}.onnx`);
  }

  has(digest: string): boolean {
    return existsSync(this.pathOf(digest));
  }

  /**
   * Copies `source` (whose sha256 is `digest`) into this store and verifies it. Idempotent: an
   * artifact already present is re-verified, not copied again.
   */
  put(source: string, digest: string, o: ReplicateOptions = { maxAttempts: 3 }): Promise<string> {
    const key = this.pathOf(digest);
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const p = this.copy(source, digest, o).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  }

  private async copy(source: string, digest: string, o: ReplicateOptions): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    const final = this.pathOf(digest);
    if (existsSync(final)) {
      if ((await sha256File(final)) === digest) return final;
      rmSync(final); // corrupted at rest: copy again
    }
    const partial = join(this.dir, `${digest}.partial`);
    for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
      const have = existsSync(partial) ? statSync(partial).size : 0;
      const total = statSync(source).size;
      if (have < total) {
        await pipeline(createReadStream(source, { start: have }), createWriteStream(partial, { flags: 'a' }));
      }
      if (o.corrupt?.(attempt) === true) flipMiddleByte(partial);
      if ((await sha256File(partial)) === digest) {
        renameSync(partial, final);
        return final;
      }
      rmSync(partial, { force: true }); // a bad copy is discarded, never resumed
    }
    throw new MeridianError('ARTIFACT_DIGEST_MISMATCH', `the copy in ${this.dir} did not match sha256 ${digest.slice(0, 12)}… after ${o.maxAttempts} attempts`);
  }
}

function flipMiddleByte(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const at = Math.floor(statSync(path).size / 2);
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] = (b[0] ?? 0) ^ 0xff;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}
