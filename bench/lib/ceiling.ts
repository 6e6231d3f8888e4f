// In-process onnxruntime ceiling: `sessions` worker threads, each with its own session of
// `intraOpThreads` threads, run the same batch back to back for a fixed window. Rows/s summed over
// the sessions is the most the model server could reach with that configuration if HTTP, JSON,
// queueing and thread hand-offs cost nothing.
import { Worker } from 'node:worker_threads';
import { machineBusyMs } from './serve-process.js';
import { round, summarize, type LatencySummary } from './stats.js';

export interface CeilingJob {
  modelPath: string;
  inputName: string;
  outputName: string;
  features: number;
  batch: number;
  intraOpThreads: number;
  warmupMs: number;
  measureMs: number;
}

export type CeilingReply = { type: 'ready' } | { type: 'done'; runs: number; runMs: number[] };

export interface CeilingResult {
  sessions: number;
  intraOpThreads: number;
  batch: number;
  rowsPerSec: number;
  runsPerSec: number;
  /** Time of one session.run, over all sessions. */
  run: LatencySummary;
  /** CPU used by everything else on the machine during the run (warm-up included), % of one core. */
  otherCpuPct?: number;
}

const WORKER_URL = new URL('./ceiling-worker.js', import.meta.url);

function nextReply(w: Worker): Promise<CeilingReply> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    w.once('error', onError);
    w.once('message', (m: CeilingReply) => {
      w.off('error', onError);
      resolve(m);
    });
  });
}

export async function measureCeiling(job: CeilingJob, sessions: number): Promise<CeilingResult> {
  const workers = Array.from({ length: sessions }, () => new Worker(WORKER_URL, { workerData: job }));
  try {
    await Promise.all(workers.map(nextReply));
    // Start every session together so they contend for the cores as the server's workers do.
    const done = workers.map(nextReply);
    const busy0 = machineBusyMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const w of workers) w.postMessage('go');
    const replies = await Promise.all(done);
    const cpu = process.cpuUsage(cpu0);
    const busy1 = machineBusyMs();
    const elapsedMs = performance.now() - t0;
    const runMs = replies.flatMap((r) => (r.type === 'done' ? r.runMs : []));
    const runsPerSec = runMs.length / (job.measureMs / 1000);
    const other = busy0 !== undefined && busy1 !== undefined ? { otherCpuPct: round(((busy1 - busy0 - (cpu.user + cpu.system) / 1000) / elapsedMs) * 100) } : {};
    return { sessions, intraOpThreads: job.intraOpThreads, batch: job.batch, rowsPerSec: runsPerSec * job.batch, runsPerSec, run: summarize(runMs), ...other };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export interface CeilingPlan {
  batch: number;
  sessions: number;
  intraOpThreads: number;
}

export type CeilingSummary = CeilingResult & { bestRowsPerSec: number; roundsRowsPerSec: number[] };

/** Every plan entry `rounds` times, interleaved; each entry's median-throughput run and its best. */
export async function measureCeilings(
  plans: readonly CeilingPlan[],
  base: Omit<CeilingJob, 'batch' | 'intraOpThreads'>,
  rounds: number,
  onRun?: (c: CeilingResult) => void,
): Promise<{ summaries: CeilingSummary[]; all: CeilingResult[] }> {
  const runs: CeilingResult[][] = plans.map(() => []);
  for (let pass = 0; pass < rounds; pass++) {
    for (const [i, p] of plans.entries()) {
      const c = await measureCeiling({ ...base, batch: p.batch, intraOpThreads: p.intraOpThreads }, p.sessions);
      runs[i]!.push(c);
      onRun?.(c);
    }
  }
  const summaries = runs.map((rs) => {
    const sorted = [...rs].sort((a, b) => a.rowsPerSec - b.rowsPerSec);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return { ...median, bestRowsPerSec: sorted[sorted.length - 1]!.rowsPerSec, roundsRowsPerSec: rs.map((r) => Math.round(r.rowsPerSec)) };
  });
  return { summaries, all: runs.flat() };
}
