// The ports the reconciler talks through (ARCHITECTURE.md). bin/ picks the implementations:
// the local provider and stores today, Kubernetes and PostgreSQL later.
import type { Clock } from '../core/clock.js';
import type { VerificationCheck } from '../core/domain.js';
import type { Logger } from '../core/log.js';
import type { RoutingTable } from '../core/routing-table.js';
import type { ComputeProvider } from '../providers/compute-provider.js';
import type { Store } from '../store/store.js';
import type { AnalysisSample } from './analysis/types.js';

export interface ArtifactReplicator {
  /**
   * Copies the artifact into the region's store and verifies its digest; resolves with the path
   * the region's model servers load. Idempotent. Fails with ARTIFACT_DIGEST_MISMATCH after bounded retries.
   */
  replicate(region: string, digest: string): Promise<string>;
}

export interface VerificationResult {
  ok: boolean;
  checks: VerificationCheck[];
  /** Why it failed, naming the replica and the check. */
  reason?: string;
}

export interface RegionVerifier {
  verify(input: { region: string; model: string; version: string; replicas: { id: string; url: string }[]; golden: unknown[] }): Promise<VerificationResult>;
}

export interface TrafficControl {
  /** Publishes a new routing table to every router. */
  publish(table: RoutingTable): void;
  current(): RoutingTable;
}

/** Where analysis gets what routers recorded (rollout/sample-collector.ts polls them). */
export interface AnalysisSource {
  /** Samples of `model` recorded with time in [fromMs, toMs], every region and version. */
  samples(model: string, fromMs: number, toMs: number): AnalysisSample[];
}

export interface ReconcilerDeps {
  store: Store;
  provider: ComputeProvider;
  replicator: ArtifactReplicator;
  verifier: RegionVerifier;
  /** Rebuilds and publishes the routing table from placements and live replicas. */
  republish(): Promise<void>;
  clock: Clock;
  logger: Logger;
  analysis: AnalysisSource;
  /** Told how long a wave's return to the stable version took (verdict → table published). */
  observeRevert?(model: string, code: string, seconds: number): void;
}
