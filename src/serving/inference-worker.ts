// Worker-thread entry: owns one onnxruntime session. For each group of request bodies the main
// thread sends, it decodes and validates every body, runs them (batched, see batch-runner.ts),
// encodes every reply and sends them all back in one message.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { MeridianError, messageOf } from '../core/errors.js';
import { tensorSpecOfOrt } from '../core/tensors.js';
import { jobOf, runJobs, type Job, type RunSession, type SessionTensor } from './batch-runner.js';
import type { OrtType, TypedData } from './datatypes.js';
import { decodeBody } from './infer-request.js';
import { encodeInferResponse, packReplies, type EncodedReply } from './infer-response.js';
import type { ModelSignature, TensorSpec } from './signature.js';
import { NO_BINARY, type InferMessage, type RequestFailure, type RunRecord, type WorkerInit, type WorkerReply } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('inference-worker must run in a worker thread');
const init = workerData as WorkerInit;

function post(m: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(m, transfer);
}

function specOf(m: ort.InferenceSession.ValueMetadata): TensorSpec {
  const spec = tensorSpecOfOrt(m);
  if (typeof spec === 'string') throw new Error(spec);
  return spec;
}

function sessionRunner(session: ort.InferenceSession): RunSession {
  return async (feeds, outputNames) => {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
    const result = await session.run(tensors, outputNames as string[]);
    const out: Record<string, SessionTensor> = {};
    for (const [name, t] of Object.entries(result)) out[name] = { type: t.type as OrtType, dims: t.dims, data: t.data as TypedData };
    return out;
  };
}

function failure(index: number, e: unknown): RequestFailure {
  return e instanceof MeridianError ? { index, code: e.code, message: e.message } : { index, code: 'INTERNAL', message: messageOf(e) };
}

async function infer(run: RunSession, sig: ModelSignature, msg: InferMessage): Promise<void> {
  const count = msg.parts.length / 3;
  const failures: RequestFailure[] = [];
  const jobs = new Array<Job | undefined>(count);
  for (let k = 0; k < count; k++) {
    const headerLength = msg.parts[3 * k + 2]!;
    try {
      const body = Buffer.from(msg.bodies, msg.parts[3 * k], msg.parts[3 * k + 1]);
      jobs[k] = jobOf(decodeBody(body, headerLength === NO_BINARY ? undefined : headerLength, sig), sig, init.batching);
    } catch (e) {
      failures.push(failure(k, e));
    }
  }
  const runs: RunRecord[] = [];
  const outcomes = await runJobs(jobs, { signature: sig, maxBatchSize: init.maxBatchSize, run, onRun: (r) => runs.push(r) });
  const replies = outcomes.map((outcome, k): EncodedReply | undefined => {
    const job = jobs[k];
    if (outcome === undefined || job === undefined) return undefined;
    if (outcome instanceof MeridianError) {
      failures.push(failure(k, outcome));
      return undefined;
    }
    try {
      const head = { model_name: init.model.name, model_version: init.model.version, ...(job.request.id !== undefined ? { id: job.request.id } : {}) };
      return encodeInferResponse(head, outcome, job.request.binaryOutputs);
    } catch (e) {
      failures.push(failure(k, e));
      return undefined;
    }
  });
  const { buffer, parts } = packReplies(replies);
  post({ type: 'inferred', id: msg.id, bodies: buffer, parts, failures, runs }, [buffer]);
}

try {
  const session = await ort.InferenceSession.create(init.modelPath, {
    intraOpNumThreads: init.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const signature: ModelSignature = { inputs: session.inputMetadata.map(specOf), outputs: session.outputMetadata.map(specOf) };
  const run = sessionRunner(session);
  post({ type: 'loaded', signature });
  port.on('message', (msg: InferMessage) => {
    infer(run, signature, msg).catch((e: unknown) => post({ type: 'infer-failed', id: msg.id, message: messageOf(e) }));
  });
} catch (e) {
  post({ type: 'load-failed', message: messageOf(e) });
}
