// Dynamic batching, as Triton's dynamic_batching does it: requests wait in a queue for at most
// maxQueueDelayMs; when an inference worker is free, the oldest requests (up to maxBatchSize rows)
// go to it as one group. The main thread never parses a body: it sizes groups by each body's
// rowsHint, and the worker merges the group's compatible requests along dimension 0, never more
// than maxBatchSize rows per run (batch-runner.ts), and splits the outputs back so that each caller
// gets exactly its own rows.
import { MeridianError } from '../core/errors.js';
import { rowsHint, type RawBody } from './raw-body.js';
import { isBatchable, type ModelSignature } from './signature.js';
import type { GroupResult, WorkerPool } from './worker-pool.js';
import { NO_BINARY, type RunRecord } from './worker-protocol.js';

export interface BatchingOptions {
  /** Off: every request runs alone (the baseline in bench:serving). */
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Requests allowed to wait; beyond it new ones get 503 OVERLOADED with Retry-After. */
  maxQueuedRequests: number;
}

/** A request's 200 reply, encoded by its worker. */
export interface InferOutcome {
  bytes: Uint8Array;
  /** The JSON part's length when binary tensor data follows it (Inference-Header-Content-Length). */
  headerLength: number | undefined;
  queueMs: number;
}

interface Job {
  body: RawBody;
  rows: number;
  enqueuedAt: number;
  resolve: (o: InferOutcome) => void;
  reject: (e: Error) => void;
}

export type BatchObserver = (run: RunRecord) => void;

export class Batcher {
  private queue: Job[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly batchable: boolean;

  constructor(
    private readonly pool: WorkerPool,
    signature: ModelSignature,
    private readonly opts: BatchingOptions,
    /** Every session.run that produced outputs. */
    private readonly onRun: BatchObserver = () => {},
  ) {
    this.batchable = opts.enabled && isBatchable(signature);
    pool.onIdle = () => this.pump();
  }

  get queueLength(): number {
    return this.queue.length;
  }

  submit(body: RawBody): Promise<InferOutcome> {
    if (this.queue.length >= this.opts.maxQueuedRequests) {
      return Promise.reject(new MeridianError('OVERLOADED', `the inference queue is full (${this.opts.maxQueuedRequests} requests waiting); retry shortly`));
    }
    const rows = this.batchable ? rowsHint(body) : 1;
    return new Promise<InferOutcome>((resolve, reject) => {
      this.queue.push({ body, rows, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += rows;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.pool.hasIdle()) {
      const oldest = this.queue[0]!;
      const waited = performance.now() - oldest.enqueuedAt;
      const full = this.queuedRows >= this.opts.maxBatchSize;
      if (this.batchable && !full && waited < this.opts.maxQueueDelayMs) {
        this.arm(this.opts.maxQueueDelayMs - waited);
        return;
      }
      this.dispatch(this.take());
    }
  }

  private arm(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(0, ms));
  }

  /** The oldest job plus those right behind it, up to maxBatchSize rows (by hint), in arrival order. */
  private take(): Job[] {
    let n = 1;
    let rows = this.queue[0]!.rows;
    if (this.batchable) {
      while (n < this.queue.length && rows + this.queue[n]!.rows <= this.opts.maxBatchSize) rows += this.queue[n++]!.rows;
    }
    this.queuedRows -= rows;
    return this.queue.splice(0, n);
  }

  private dispatch(group: Job[]): void {
    const dispatchedAt = performance.now();
    this.pool.infer(group.map((j) => j.body)).then(
      (result) => {
        for (const r of result.runs) this.onRun(r);
        settle(group, result, dispatchedAt);
      },
      (e: Error) => {
        for (const job of group) job.reject(e);
      },
    );
  }
}

function settle(group: readonly Job[], result: GroupResult, dispatchedAt: number): void {
  const failed = result.failures.length > 0 ? new Map(result.failures.map((f) => [f.index, f])) : undefined;
  group.forEach((job, k) => {
    const f = failed?.get(k);
    if (f !== undefined) {
      job.reject(new MeridianError(f.code, f.message));
      return;
    }
    const headerLength = result.parts[3 * k + 2]!;
    job.resolve({
      bytes: new Uint8Array(result.bodies, result.parts[3 * k], result.parts[3 * k + 1]),
      headerLength: headerLength === NO_BINARY ? undefined : headerLength,
      queueMs: dispatchedAt - job.enqueuedAt,
    });
  });
}
