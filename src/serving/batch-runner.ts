// Runs a group of decoded inference requests on one onnxruntime session, in an inference worker.
// Requests with compatible shapes are merged along dimension 0 (at most maxBatchSize rows per run,
// as Triton's dynamic batcher does), and each caller gets exactly its own rows back.
//
// A merged run that fails is retried request by request, so one request whose rows make the model
// fail (models/iris-bad-errors.onnx fails on versicolor-like rows) fails alone instead of failing
// every request that happened to share its batch.
import { MeridianError, messageOf } from '../core/errors.js';
import { allocate, datatypeOfOrt, ortTypeOf, type Datatype, type OrtType, type TypedData } from './datatypes.js';
import type { InferRequest } from './infer-request.js';
import { elementCount, isBatchable, type ModelSignature } from './signature.js';
import type { RunRecord } from './worker-protocol.js';

export interface OutputTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TypedData;
}

/** A tensor as onnxruntime takes and gives it. */
export interface SessionTensor {
  type: OrtType;
  dims: readonly number[];
  data: TypedData;
}

/** session.run: feeds by input name, outputs by name. */
export type RunSession = (feeds: Record<string, SessionTensor>, outputNames: readonly string[]) => Promise<Record<string, SessionTensor>>;

export interface Job {
  /** Inputs in the signature's order. */
  request: InferRequest;
  rows: number;
  /** Jobs merge only when everything but dimension 0 agrees; undefined: this job runs alone. */
  key: string | undefined;
}

/** Either a request's outputs (those it asked for, in its order) or why it failed. */
export type JobOutcome = OutputTensor[] | MeridianError;

export function jobOf(request: InferRequest, sig: ModelSignature, batching: boolean): Job {
  const inputs = sig.inputs.map((s) => request.inputs.find((i) => i.name === s.name)!);
  const rows = inputs[0]?.shape[0] ?? 1;
  const mergeable = batching && isBatchable(sig) && rows > 0 && inputs.every((i) => i.shape[0] === rows);
  const key = mergeable ? inputs.map((i) => i.shape.slice(1).join('x')).join('|') : undefined;
  return { request: { ...request, inputs }, rows, key };
}

/**
 * Batches in arrival order: each job joins the first open batch with its key and room for its
 * rows, or opens one. Indices into `jobs`; undefined jobs (failed to decode) are skipped.
 */
export function planBatches(jobs: readonly (Job | undefined)[], maxBatchSize: number): number[][] {
  const batches: { key: string | undefined; rows: number; members: number[] }[] = [];
  jobs.forEach((job, k) => {
    if (job === undefined) return;
    const open = job.key === undefined ? undefined : batches.find((b) => b.key === job.key && b.rows + job.rows <= maxBatchSize);
    if (open === undefined) batches.push({ key: job.key, rows: job.rows, members: [k] });
    else {
      open.rows += job.rows;
      open.members.push(k);
    }
  });
  return batches.map((b) => b.members);
}

export interface RunJobsOptions {
  signature: ModelSignature;
  maxBatchSize: number;
  run: RunSession;
  /** Called for every session.run that produced outputs. */
  onRun?: (r: RunRecord) => void;
}

/** Runs every job; outcome k belongs to jobs[k] (undefined for undefined jobs). */
export async function runJobs(jobs: readonly (Job | undefined)[], o: RunJobsOptions): Promise<(JobOutcome | undefined)[]> {
  const outcomes = new Array<JobOutcome | undefined>(jobs.length);
  const allOutputs = o.signature.outputs.map((t) => t.name);
  const runBatch = async (members: number[]): Promise<void> => {
    const batch = members.map((k) => jobs[k]!);
    const rows = batch.reduce((n, j) => n + j.rows, 0);
    const single = batch.length === 1 ? batch[0] : undefined;
    // One request: only what it asked for. Several: every output any of them asked for.
    const names = single !== undefined ? (single.request.outputs ?? allOutputs) : allOutputs.filter((n) => batch.some((j) => (j.request.outputs ?? allOutputs).includes(n)));
    let result: Record<string, SessionTensor>;
    const started = performance.now();
    try {
      result = await o.run(single !== undefined ? feedsOf(single) : merge(batch, rows), names);
    } catch (e) {
      if (single === undefined) {
        for (const k of members) await runBatch([k]);
        return;
      }
      outcomes[members[0]!] = new MeridianError('INTERNAL', `inference failed: ${messageOf(e)}`);
      return;
    }
    o.onRun?.({ rows, computeMs: performance.now() - started });
    let offset = 0;
    for (const [i, k] of members.entries()) {
      const job = batch[i]!;
      try {
        outcomes[k] = split(result, job.request.outputs ?? allOutputs, single !== undefined ? undefined : { offset, rows: job.rows, total: rows });
      } catch (e) {
        outcomes[k] = e instanceof MeridianError ? e : new MeridianError('INTERNAL', messageOf(e));
      }
      offset += job.rows;
    }
  };
  for (const members of planBatches(jobs, o.maxBatchSize)) await runBatch(members);
  return outcomes;
}

function feedsOf(job: Job): Record<string, SessionTensor> {
  const out: Record<string, SessionTensor> = {};
  for (const i of job.request.inputs) out[i.name] = { type: ortTypeOf(i.datatype), dims: i.shape, data: i.data };
  return out;
}

function merge(batch: readonly Job[], rows: number): Record<string, SessionTensor> {
  const out: Record<string, SessionTensor> = {};
  batch[0]!.request.inputs.forEach((input, k) => {
    const dims = [rows, ...input.shape.slice(1)];
    const data = allocate(input.datatype, elementCount(dims));
    let at = 0;
    for (const job of batch) {
      const d = job.request.inputs[k]!.data;
      (data as Float32Array).set(d as Float32Array, at);
      at += d.length;
    }
    out[input.name] = { type: ortTypeOf(input.datatype), dims, data };
  });
  return out;
}

/** A job's outputs: views of its rows (no copy), in the order it asked for them. */
function split(outputs: Record<string, SessionTensor>, names: readonly string[], part: { offset: number; rows: number; total: number } | undefined): OutputTensor[] {
  return names.map((name) => {
    const t = outputs[name];
    if (t === undefined) throw new MeridianError('INTERNAL', `the model produced no output "${name}"`);
    const datatype = datatypeOfOrt(t.type);
    if (datatype === undefined) throw new MeridianError('INTERNAL', `output "${name}" has unsupported type ${t.type}`);
    if (part === undefined) return { name, datatype, shape: [...t.dims], data: t.data };
    if (t.dims[0] !== part.total) {
      throw new MeridianError('INTERNAL', `output "${name}" has ${t.dims[0]} rows for a batch of ${part.total}; this model cannot be batched, run it with batching off`);
    }
    const per = elementCount(t.dims.slice(1));
    const data = t.data.subarray(part.offset * per, (part.offset + part.rows) * per);
    return { name, datatype, shape: [part.rows, ...t.dims.slice(1)], data };
  });
}
