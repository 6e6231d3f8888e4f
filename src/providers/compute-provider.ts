// The ComputeProvider port: how the control plane gets model servers running in a region. The
// local provider runs real processes; a Kubernetes provider (one cluster per region) slots in
// behind the same interface later.

/** Lifecycle of one model-server replica. */
export type ReplicaPhase =
  /** Process started; model loading and warming up. */
  | 'starting'
  /** Ready: answers inference. */
  | 'running'
  /** Hung on purpose for a drill (SIGSTOP): alive but answers nothing — the gray failure. */
  | 'frozen'
  /** Exited without being asked to (or killed in a drill). */
  | 'crashed';

export interface ReplicaStatus {
  /** Stable within a region and version: `us-east-1/iris:v2/0`. */
  id: string;
  region: string;
  zone: string;
  model: string;
  version: string;
  /** Index within the region's replicas of this version; replica i runs in zone i mod zones. */
  index: number;
  phase: ReplicaPhase;
  /** Base URL of the replica's OIP endpoint, e.g. http://127.0.0.1:41234. */
  url: string;
  pid?: number;
}

export interface ProvisionRequest {
  region: string;
  model: string;
  version: string;
  /** Path of the model artifact in this region's artifact store. */
  artifactPath: string;
  replicas: number;
}

/** What a drill breaks: a whole region, one zone of it, or one replica. */
export interface FailureTarget {
  region: string;
  zone?: string;
  replicaId?: string;
}

/** crash: SIGKILL (the process is gone); hang: SIGSTOP (it is there but never answers). */
export type FailureMode = 'crash' | 'hang';

export interface ComputeProvider {
  /**
   * Ensures `replicas` ready replicas of this version run in the region, spread evenly over its
   * zones. Idempotent: replicas already running are kept, missing ones started. Resolves when all
   * are ready; rejects with PROVISION_FAILED (and leaves nothing half-started) otherwise.
   */
  provision(req: ProvisionRequest): Promise<ReplicaStatus[]>;
  /** Replicas known to the provider, optionally only for one region and/or model version. */
  status(filter?: { region?: string; model?: string; version?: string }): ReplicaStatus[];
  /** Changes the number of replicas of a version already provisioned in a region. */
  scale(req: ProvisionRequest): Promise<ReplicaStatus[]>;
  /** Stops every replica of the version in the region (drains them first). Idempotent. */
  retire(region: string, model: string, version: string): Promise<void>;
  /** Drills: break replicas on purpose. Returns the replicas affected. */
  fail(target: FailureTarget, mode: FailureMode): ReplicaStatus[];
  /** Undoes a drill: resumes hung replicas and restarts crashed ones. */
  restore(target: FailureTarget): Promise<ReplicaStatus[]>;
  /** Stops all replicas. */
  close(): Promise<void>;
}
