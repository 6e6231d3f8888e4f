// Worker-thread body of the in-process ceiling: one onnxruntime session, configured as the model
// server's inference workers configure theirs, running the same batch back to back. No HTTP, no
// JSON, no batching queue, no copies between threads: what onnxruntime alone can do.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { CeilingJob, CeilingReply } from './ceiling.js';

const port = parentPort;
if (port === null) throw new Error('ceiling-worker must run in a worker thread');
const job = workerData as CeilingJob;

const session = await ort.InferenceSession.create(job.modelPath, {
  intraOpNumThreads: job.intraOpThreads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});
const data = new Float32Array(job.batch * job.features);
for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
const feeds = { [job.inputName]: new ort.Tensor('float32', data, [job.batch, job.features]) };
// The first run allocates and plans; the server pays it at warm-up too.
await session.run(feeds, [job.outputName]);
port.postMessage({ type: 'ready' } satisfies CeilingReply);

port.once('message', () => {
  void (async () => {
    const start = performance.now();
    const windowStart = start + job.warmupMs;
    const windowEnd = windowStart + job.measureMs;
    const runMs: number[] = [];
    let now = start;
    while (now < windowEnd) {
      const t = performance.now();
      const out = await session.run(feeds, [job.outputName]);
      now = performance.now();
      if (out[job.outputName]?.dims[0] !== job.batch) throw new Error(`expected ${job.batch} rows of ${job.outputName}`);
      if (t >= windowStart && now <= windowEnd) runMs.push(now - t);
    }
    await session.release();
    port.postMessage({ type: 'done', runs: runMs.length, runMs } satisfies CeilingReply);
  })();
});
