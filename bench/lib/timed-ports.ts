// Timing decorators for the reconciler's ports: each forwards to the real implementation and
// records the call's interval in an IntervalLog. They add two performance.now() calls and one
// array push per call, so they do not change what they measure.
import type { ComputeProvider, FailureMode, FailureTarget, ProvisionRequest, ReplicaStatus } from '../../src/providers/compute-provider.js';
import type { ArtifactReplicator, RegionVerifier, VerificationResult } from '../../src/rollout/ports.js';
import type { IntervalLog } from './intervals.js';

export function timedProvider(inner: ComputeProvider, log: IntervalLog): ComputeProvider {
  return {
    provision: (req: ProvisionRequest): Promise<ReplicaStatus[]> => log.time('provision', req.region, () => inner.provision(req)),
    status: (filter?: { region?: string; model?: string; version?: string }): ReplicaStatus[] => log.timeSync('status', filter?.region, () => inner.status(filter)),
    scale: (req: ProvisionRequest): Promise<ReplicaStatus[]> => log.time('scale', req.region, () => inner.scale(req)),
    retire: (region: string, model: string, version: string): Promise<void> => log.time('retire', region, () => inner.retire(region, model, version)),
    // Drills only; never called by a rollout, so not timed.
    fail: (target: FailureTarget, mode: FailureMode): ReplicaStatus[] => inner.fail(target, mode),
    restore: (target: FailureTarget): Promise<ReplicaStatus[]> => log.time('restore', target.region, () => inner.restore(target)),
    close: (): Promise<void> => inner.close(),
  };
}

export function timedReplicator(inner: ArtifactReplicator, log: IntervalLog): ArtifactReplicator {
  return { replicate: (region: string, digest: string): Promise<string> => log.time('replicate', region, () => inner.replicate(region, digest)) };
}

export function timedVerifier(inner: RegionVerifier, log: IntervalLog): RegionVerifier {
  return { verify: (input): Promise<VerificationResult> => log.time('verify', input.region, () => inner.verify(input)) };
}

export function timedRepublish(inner: () => Promise<void>, log: IntervalLog): () => Promise<void> {
  return () => log.time('republish', undefined, inner);
}
