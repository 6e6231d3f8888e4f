// Named defaults, each with the reason for its value. Parsed options fall back to these; nothing
// else in the code base hard-codes a default.

/** Model server (`meridian serve`). */
export const SERVING_DEFAULTS = {
  /** One inference thread per core: onnxruntime runs one batch at a time per session, and on a
   *  small machine more workers than cores only adds contention. */
  workers: 2,
  /** Parallelism comes from workers (one batch each), not from threads inside one session. */
  intraOpThreads: 1,
  /** Triton's dynamic batcher is on for models that allow batching; so is ours. */
  batching: true,
  /** Rows per merged batch. Large enough that at concurrency 64 two workers take the queue in
   *  two or three batches; small enough that one batch of the example MLP stays a few ms. */
  maxBatchSize: 32,
  /** Triton's default is 0: dispatch as soon as a worker is free. Under load the queue fills while
   *  workers are busy, so batches form anyway; any wait only adds latency at low load (measured
   *  in bench:serving: at concurrency 1, 1 ms of delay cut throughput 4×; at 64 it gained nothing). */
  maxQueueDelayMs: 0,
  /** Beyond this many waiting requests answer 503 + Retry-After rather than queue without bound. */
  maxQueuedRequests: 4096,
  /** 16 MiB of JSON is ~1M float values: bigger bodies are a mistake or an attack. */
  maxBodyBytes: 16 * 1024 * 1024,
  /** SIGTERM waits this long for in-flight requests; Kubernetes' default grace period is 30 s. */
  drainTimeoutMs: 25_000,
} as const;

/** The local environment (`meridian up`). */
export const LOCAL_DEFAULTS = {
  /** One region per continent the demo's users most often sit on: shows latency routing and failover. */
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-1'],
  /** Two replicas per region: one zone can fail without the region going dark. */
  replicasPerRegion: 2,
  /** One inference thread per replica: many replicas share a small machine. */
  workersPerReplica: 1,
  /** The demo's edge, where its router "runs" for the latency emulation. */
  edge: 'new-york',
  /** A replica that is not ready in a minute will not be: fail the provision. */
  replicaReadyTimeoutMs: 60_000,
  /** Longest a stopping replica may drain before SIGKILL; under the serving drain timeout plus margin. */
  replicaStopTimeoutMs: 30_000,
  /** How long `meridian up` waits for the whole environment. */
  upTimeoutMs: 180_000,
  /** Copies whose digest does not match are retried this many times in all. */
  artifactCopyAttempts: 3,
} as const;

/** Rollouts (`meridian deploy`). */
export const ROLLOUT_DEFAULTS = {
  /** Two replicas per region: one zone can fail without the region going dark. */
  replicas: 2,
  /** One region at a time, as in the seeds' step-by-step flow; --parallel raises it. */
  parallel: 1,
  /** Halt keeps verified regions serving and touches nothing else: the least surprising choice. */
  onFailure: 'halt' as const,
  /** A smoke test, not a benchmark: it catches a server that is broken or badly slow, with room
   *  for a machine busy starting other regions. */
  latencyP99BudgetMs: 500,
  latencyRequests: 20,
  /** Golden outputs must match what the registry computed at push time, float noise aside. */
  goldenTolerance: { abs: 1e-5, rel: 1e-4 },
  /**
   * Share of a model's requests routers record while nothing is being analysed: enough for the
   * dashboard's charts (counts are scaled back up by it), cheap for the router. A model with a
   * candidate out is recorded in full (1).
   */
  idleSampleRate: 0.05,
  analysisSampleRate: 1,
};
