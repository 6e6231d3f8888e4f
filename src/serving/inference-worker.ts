// Worker-thread entry: owns one onnxruntime session and runs whatever batches it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { tensorSpecOfOrt } from '../core/tensors.js';
import type { OrtType, TypedData } from './datatypes.js';
import type { TensorSpec } from './signature.js';
import type { RunMessage, WireTensor, WorkerInit, WorkerReply } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('inference-worker must run in a worker thread');
const init = workerData as WorkerInit;

function post(m: WorkerReply): void {
  port?.postMessage(m);
}

function specOf(m: ort.InferenceSession.ValueMetadata): TensorSpec {
  const spec = tensorSpecOfOrt(m);
  if (typeof spec === 'string') throw new Error(spec);
  return spec;
}

async function load(): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(init.modelPath, {
    intraOpNumThreads: init.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return session;
}

async function run(session: ort.InferenceSession, msg: RunMessage): Promise<void> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  const started = performance.now();
  const result = await session.run(feeds, msg.outputNames);
  const computeMs = performance.now() - started;
  const outputs: Record<string, WireTensor> = {};
  for (const name of msg.outputNames) {
    const t = result[name];
    if (t === undefined) throw new Error(`the model produced no output "${name}"`);
    outputs[name] = { type: t.type as OrtType, dims: [...t.dims], data: t.data as TypedData };
  }
  post({ type: 'result', id: msg.id, outputs, computeMs });
}

try {
  const session = await load();
  post({ type: 'loaded', signature: { inputs: session.inputMetadata.map(specOf), outputs: session.outputMetadata.map(specOf) } });
  port.on('message', (msg: RunMessage) => {
    run(session, msg).catch((e: unknown) => post({ type: 'run-failed', id: msg.id, message: e instanceof Error ? e.message : String(e) }));
  });
} catch (e) {
  post({ type: 'load-failed', message: e instanceof Error ? e.message : String(e) });
}
