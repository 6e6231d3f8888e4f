// The local environment's composition: picks the concrete implementations behind every port
// (SQLite store, local provider, local artifact stores, HTTP verifier, in-process traffic
// control). Used by `meridian control-plane` and by tests that need a whole control plane.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobStore } from '../artifacts/blob-store.js';
import { systemClock } from '../core/clock.js';
import { LOCAL_DEFAULTS as L, ROLLOUT_DEFAULTS } from '../core/defaults.js';
import type { Logger } from '../core/log.js';
import { loadRegionCatalog, type RegionCatalog } from '../config/regions/catalog.js';
import type { LocalProvider } from '../providers/local/local-provider.js';
import { LocalProvider as LocalProviderImpl } from '../providers/local/local-provider.js';
import { ControlPlane } from '../rollout/control-plane.js';
import { validatePolicySpec } from '../router/policies/index.js';
import { httpVerifier } from '../rollout/http-verifier.js';
import type { ArtifactReplicator, RegionVerifier } from '../rollout/ports.js';
import { LocalReplicator } from '../rollout/replicator.js';
import { buildRoutingTable, InProcessTrafficControl } from '../rollout/traffic.js';
import { Store } from '../store/store.js';

export interface LocalControlPlaneOptions {
  dataDir: string;
  logger: Logger;
  /** Seams for tests and drills: wrap the replicator (e.g. to damage copies) or the verifier. */
  replicator?: (base: LocalReplicator) => ArtifactReplicator;
  verifier?: RegionVerifier;
  workersPerReplica?: number;
}

export interface LocalControlPlane {
  controlPlane: ControlPlane;
  store: Store;
  provider: LocalProvider;
  traffic: InProcessTrafficControl;
  catalog: RegionCatalog;
  /** Stops rollouts (they resume on next start) and closes the store; replicas keep running. */
  close(): Promise<void>;
}

export async function composeLocalControlPlane(o: LocalControlPlaneOptions): Promise<LocalControlPlane> {
  const catalog = loadRegionCatalog();
  const store = await Store.open(join(o.dataDir, 'meridian.db'));
  const provider = new LocalProviderImpl({
    dataDir: o.dataDir,
    command: [process.execPath, fileURLToPath(new URL('./meridian.js', import.meta.url))],
    region: (c) => catalog.require(c),
    workersPerReplica: o.workersPerReplica ?? L.workersPerReplica,
    readyTimeoutMs: L.replicaReadyTimeoutMs,
    stopTimeoutMs: L.replicaStopTimeoutMs,
  });
  const blobs = new BlobStore(join(o.dataDir, 'registry'));
  const base = new LocalReplicator(blobs, join(o.dataDir, 'regions'), { maxAttempts: L.artifactCopyAttempts });
  const traffic = new InProcessTrafficControl();
  // Wall-clock based, so a restarted control plane still publishes newer revisions than before.
  let revision = 0;
  const nextRevision = (): number => (revision = Math.max(revision + 1, Date.now()));
  const controlPlane = new ControlPlane({
    store,
    provider,
    catalog,
    blobs,
    replicator: o.replicator?.(base) ?? base,
    verifier: o.verifier ?? httpVerifier({ latencyP99BudgetMs: ROLLOUT_DEFAULTS.latencyP99BudgetMs, latencyRequests: ROLLOUT_DEFAULTS.latencyRequests }),
    republish: async () => traffic.publish(await buildRoutingTable(store, provider, (c) => catalog.require(c), nextRevision())),
    clock: systemClock,
    logger: o.logger,
    traffic,
    validatePolicy: (p) => validatePolicySpec(p, (code: string) => catalog.get(code) !== undefined),
  });
  return {
    controlPlane,
    store,
    provider,
    traffic,
    catalog,
    async close() {
      await controlPlane.stop();
      await store.close();
    },
  };
}
