import type { RoutingPolicySpec } from '../../src/core/routing-table.js';
// A whole local control plane for one measurement, in a fresh data directory, with every port the
// reconciler waits on wrapped in a timing decorator. composeLocalControlPlane builds the provider
// and the republish step inside itself (only the replicator and the verifier are seams), so this
// composes the same classes with the same defaults here; `referenceEnv` is the real
// composeLocalControlPlane, undecorated, to check that the decorated composition runs as fast.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore } from '../../src/artifacts/blob-store.js';
import type { composeLocalControlPlane } from '../../src/bin/compose-local.js';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { systemClock } from '../../src/core/clock.js';
import { LOCAL_DEFAULTS as L, ROLLOUT_DEFAULTS as R } from '../../src/core/defaults.js';
import { silentLogger } from '../../src/core/log.js';
import type { ComputeProvider } from '../../src/providers/compute-provider.js';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import { ControlPlane } from '../../src/rollout/control-plane.js';
import { httpVerifier } from '../../src/rollout/http-verifier.js';
import { LocalReplicator } from '../../src/rollout/replicator.js';
import { buildRoutingTable, InProcessTrafficControl } from '../../src/rollout/traffic.js';
import { Store } from '../../src/store/store.js';
import { IntervalLog } from './intervals.js';
import { timedProvider, timedReplicator, timedRepublish, timedVerifier } from './timed-ports.js';

export interface RolloutEnv {
  dir: string;
  controlPlane: ControlPlane;
  store: Store;
  /** The real provider (untimed): the bench reads replica pids from it. */
  provider: ComputeProvider;
  /** Port calls of this control plane; undefined for the undecorated reference composition. */
  log: IntervalLog | undefined;
  /** Stops the control plane, closes the store, stops every replica, removes the data directory. Idempotent. */
  close(): Promise<void>;
  /** Last resort on SIGINT or a crash: SIGKILL every replica this env started, remove the directory. */
  killNow(): void;
}

/** Every env not yet closed, so a crash or Ctrl-C of the bench leaves no model server behind. */
const live = new Set<RolloutEnv>();

export function killAllEnvs(): void {
  for (const e of live) e.killNow();
}

function finishEnv(dir: string, parts: { controlPlane: ControlPlane; store: Store; provider: ComputeProvider; log: IntervalLog | undefined }): RolloutEnv {
  let closed: Promise<void> | undefined;
  const env: RolloutEnv = {
    dir,
    ...parts,
    close() {
      closed ??= (async () => {
        try {
          await parts.controlPlane.stop();
          await parts.store.close();
        } finally {
          await parts.provider.close();
          rmSync(dir, { recursive: true, force: true });
          live.delete(env);
        }
      })();
      return closed;
    },
    killNow() {
      for (const r of parts.provider.status()) {
        if (r.pid === undefined) continue;
        try {
          process.kill(r.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
      live.delete(env);
    },
  };
  live.add(env);
  return env;
}

/** The local composition (SQLite store, local provider, local artifact stores, HTTP verifier) with timed ports. */
export async function timedEnv(cliPath: string): Promise<RolloutEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-rollout-'));
  const log = new IntervalLog();
  const catalog = loadRegionCatalog();
  const store = await Store.open(join(dir, 'meridian.db'));
  const provider = new LocalProvider({
    dataDir: dir,
    command: [process.execPath, cliPath],
    region: (c) => catalog.require(c),
    workersPerReplica: L.workersPerReplica,
    readyTimeoutMs: L.replicaReadyTimeoutMs,
    stopTimeoutMs: L.replicaStopTimeoutMs,
  });
  const blobs = new BlobStore(join(dir, 'registry'));
  const replicator = new LocalReplicator(blobs, join(dir, 'regions'), { maxAttempts: L.artifactCopyAttempts });
  const traffic = new InProcessTrafficControl();
  let revision = 0;
  const republish = async (): Promise<void> => traffic.publish(await buildRoutingTable(store, provider, (c) => catalog.require(c), (revision = Math.max(revision + 1, Date.now()))));
  const controlPlane = new ControlPlane({
    store,
    provider: timedProvider(provider, log),
    catalog,
    blobs,
    replicator: timedReplicator(replicator, log),
    verifier: timedVerifier(httpVerifier({ latencyP99BudgetMs: R.latencyP99BudgetMs, latencyRequests: R.latencyRequests }), log),
    republish: timedRepublish(republish, log),
    clock: systemClock,
    logger: silentLogger,
    traffic,
    validatePolicy: (p) => p as RoutingPolicySpec,
  });
  return finishEnv(dir, { controlPlane, store, provider, log });
}

/**
 * composeLocalControlPlane itself, no decorators: the cross-check for the timed composition's
 * totals. Pass the one loaded from the dist snapshot, so its replicas run the snapshot's build.
 */
export async function referenceEnv(compose: typeof composeLocalControlPlane): Promise<RolloutEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-rollout-ref-'));
  const env = await compose({ dataDir: dir, logger: silentLogger });
  return finishEnv(dir, { controlPlane: env.controlPlane, store: env.store, provider: env.provider, log: undefined });
}
