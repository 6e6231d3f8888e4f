// ArtifactReplicator over local stores: the registry's blob store → one store per region.
import { join } from 'node:path';
import type { BlobStore } from '../artifacts/blob-store.js';
import { RegionArtifactStore, type ReplicateOptions } from '../artifacts/region-store.js';
import { MeridianError } from '../core/errors.js';
import type { ArtifactReplicator } from './ports.js';

export class LocalReplicator implements ArtifactReplicator {
  constructor(
    private readonly registry: BlobStore,
    /** `<regionsDir>/<region>/artifacts` is each region's store. */
    private readonly regionsDir: string,
    private readonly options: ReplicateOptions,
  ) {}

  storeOf(region: string): RegionArtifactStore {
    return new RegionArtifactStore(join(this.regionsDir, region, 'artifacts'));
  }

  async replicate(region: string, digest: string): Promise<string> {
    if (!this.registry.has(digest)) throw new MeridianError('ARTIFACT_MISSING', `artifact sha256 ${digest.slice(0, 12)}… is not in the registry; push the model again`);
    return this.storeOf(region).put(this.registry.pathOf(digest), digest, this.options);
  }
}
