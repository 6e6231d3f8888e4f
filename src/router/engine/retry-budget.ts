// Envoy's retry budget (circuit_breaker.proto, RetryBudget): retries and hedges in flight at once
// may not exceed max(min_retry_concurrency, budget_percent × active requests). During a full
// outage every request wants to retry; the budget keeps that from multiplying the load on
// whatever still answers. One budget per model, as Envoy keeps one per cluster.

/** Concurrent retries + hedges of one model, bounded by its active requests. */
export class RetryBudget {
  private active = 0;
  private inFlight = 0;

  constructor(
    private readonly percent: number,
    private readonly minConcurrent: number,
  ) {}

  /** Call when a client request starts being forwarded; pair with {@link requestEnded}. */
  requestStarted(): void {
    this.active++;
  }

  requestEnded(): void {
    this.active--;
  }

  /** The current limit on concurrent retries + hedges. */
  limit(): number {
    return Math.max(this.minConcurrent, Math.floor((this.percent / 100) * this.active));
  }

  /** Takes a slot for one retry or hedge; false when the budget is spent. Pair with {@link release}. */
  tryAcquire(): boolean {
    if (this.inFlight >= this.limit()) return false;
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight--;
  }

  /** Retries + hedges in flight now. */
  get retriesInFlight(): number {
    return this.inFlight;
  }
}
