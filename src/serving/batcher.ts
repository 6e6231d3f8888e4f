// Dynamic batching, as Triton's dynamic_batching does it: requests wait in a queue for at most
// maxQueueDelayMs; when an inference worker is free, queued requests with compatible shapes are
// merged along dimension 0 (up to maxBatchSize rows), run as one batch, and the outputs are split
// back so that each caller gets exactly its own rows.
import { MeridianError } from '../core/errors.js';
import { allocate, datatypeOfOrt, ortTypeOf, type Datatype, type TypedData } from './datatypes.js';
import type { InferRequest, InputTensor } from './infer-request.js';
import { elementCount, isBatchable, type ModelSignature } from './signature.js';
import type { WireTensor } from './worker-protocol.js';
import type { WorkerPool } from './worker-pool.js';

export interface BatchingOptions {
  /** Off: every request runs alone (the baseline in bench:serving). */
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Requests allowed to wait; beyond it new ones get 503 OVERLOADED with Retry-After. */
  maxQueuedRequests: number;
}

export interface OutputTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TypedData;
}

export interface InferOutcome {
  outputs: OutputTensor[];
  queueMs: number;
  computeMs: number;
  /** Rows in the batch this request ran in (its own and others'). */
  batchRows: number;
}

interface Job {
  req: InferRequest;
  rows: number;
  /** Requests merge only when everything but dimension 0 agrees. */
  key: string;
  enqueuedAt: number;
  resolve: (o: InferOutcome) => void;
  reject: (e: Error) => void;
}

export interface BatchObserver {
  (batch: { rows: number; requests: number; computeMs: number }): void;
}

export class Batcher {
  private readonly queue: Job[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly batchable: boolean;
  private readonly allOutputs: string[];

  constructor(
    private readonly pool: WorkerPool,
    private readonly signature: ModelSignature,
    private readonly opts: BatchingOptions,
    private readonly onBatch: BatchObserver = () => {},
  ) {
    this.batchable = opts.enabled && isBatchable(signature);
    this.allOutputs = signature.outputs.map((o) => o.name);
    pool.onIdle = () => this.pump();
  }

  get queueLength(): number {
    return this.queue.length;
  }

  submit(req: InferRequest): Promise<InferOutcome> {
    if (this.queue.length >= this.opts.maxQueuedRequests) {
      return Promise.reject(new MeridianError('OVERLOADED', `the inference queue is full (${this.opts.maxQueuedRequests} requests waiting); retry shortly`));
    }
    const ordered = this.signature.inputs.map((s) => req.inputs.find((i) => i.name === s.name)!);
    const rows = ordered[0]?.shape[0] ?? 1;
    const sameRows = ordered.every((i) => i.shape[0] === rows);
    const key = this.batchable && sameRows && rows > 0 ? ordered.map((i) => i.shape.slice(1).join('x')).join('|') : `solo:${Math.random()}`;
    return new Promise<InferOutcome>((resolve, reject) => {
      this.queue.push({ req: { ...req, inputs: ordered }, rows, key, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += rows;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.pool.idleCount() > 0) {
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

  /** The oldest job plus any compatible ones behind it, up to maxBatchSize rows, in arrival order. */
  private take(): Job[] {
    const first = this.queue.shift()!;
    const batch = [first];
    let rows = first.rows;
    if (!first.key.startsWith('solo:')) {
      for (let i = 0; i < this.queue.length && rows < this.opts.maxBatchSize; ) {
        const j = this.queue[i]!;
        if (j.key === first.key && rows + j.rows <= this.opts.maxBatchSize) {
          batch.push(j);
          rows += j.rows;
          this.queue.splice(i, 1);
        } else i++;
      }
    }
    this.queuedRows -= rows;
    return batch;
  }

  private dispatch(batch: Job[]): void {
    const dispatchedAt = performance.now();
    const rows = batch.reduce((n, j) => n + j.rows, 0);
    const single = batch.length === 1 ? batch[0] : undefined;
    const feeds = single !== undefined ? toWire(single.req.inputs) : merge(batch, rows);
    const outputNames = single?.req.outputs ?? this.allOutputs;
    this.pool.run(feeds, outputNames).then(
      (result) => {
        this.onBatch({ rows, requests: batch.length, computeMs: result.computeMs });
        let offset = 0;
        for (const job of batch) {
          try {
            const outputs = split(result.outputs, job.req.outputs ?? this.allOutputs, batch.length === 1 ? undefined : { offset, rows: job.rows, total: rows });
            job.resolve({ outputs, queueMs: dispatchedAt - job.enqueuedAt, computeMs: result.computeMs, batchRows: rows });
          } catch (e) {
            job.reject(e as Error);
          }
          offset += job.rows;
        }
      },
      (e: Error) => {
        for (const job of batch) job.reject(e);
      },
    );
  }
}

function toWire(inputs: InputTensor[]): Record<string, WireTensor> {
  const out: Record<string, WireTensor> = {};
  for (const i of inputs) out[i.name] = { type: ortTypeOf(i.datatype), dims: i.shape, data: i.data };
  return out;
}

function merge(batch: Job[], rows: number): Record<string, WireTensor> {
  const out: Record<string, WireTensor> = {};
  const template = batch[0]!.req.inputs;
  template.forEach((input, k) => {
    const dims = [rows, ...input.shape.slice(1)];
    const data = allocate(input.datatype, elementCount(dims));
    let at = 0;
    for (const job of batch) {
      const d = job.req.inputs[k]!.data;
      (data as Float32Array).set(d as Float32Array, at);
      at += d.length;
    }
    out[input.name] = { type: ortTypeOf(input.datatype), dims, data };
  });
  return out;
}

function split(outputs: Record<string, WireTensor>, names: string[], part: { offset: number; rows: number; total: number } | undefined): OutputTensor[] {
  return names.map((name) => {
    const t = outputs[name];
    if (t === undefined) throw new MeridianError('INTERNAL', `the model produced no output "${name}"`);
    const datatype = datatypeOfOrt(t.type);
    if (datatype === undefined) throw new MeridianError('INTERNAL', `output "${name}" has unsupported type ${t.type}`);
    if (part === undefined) return { name, datatype, shape: t.dims, data: t.data };
    if (t.dims[0] !== part.total) {
      throw new MeridianError('INTERNAL', `output "${name}" has ${t.dims[0]} rows for a batch of ${part.total}; this model cannot be batched, run it with batching off`);
    }
    const per = elementCount(t.dims.slice(1));
    const data = t.data.slice(part.offset * per, (part.offset + part.rows) * per);
    return { name, datatype, shape: [part.rows, ...t.dims.slice(1)], data };
  });
}
