// What starting one model server costs, without the control plane: wall time and CPU of a bare
// Node process, of Node importing onnxruntime-node, of Node also creating the session, and of a
// whole `meridian serve --workers 1` (what the local provider starts per replica) until it logs
// server.ready; then K servers started at once, to see how start-up scales on this machine.
import { spawn } from 'node:child_process';
import { processSched } from './proc-sched.js';
import { startServer, type ServerProcess } from './serve-process.js';
import { median, round } from './stats.js';

export interface StageSample {
  wallMs: number;
  cpuMs: number;
}

export interface StageResult {
  stage: string;
  /** Median over the samples; wall is spawn → exit for the Node stages, spawn → server.ready for serve. */
  wallMs: number;
  cpuMs: number;
  samples: StageSample[];
}

export interface ConcurrentStart {
  servers: number;
  /** Spawn of the first → server.ready of the last. */
  allReadyMs: number;
  medianReadyMs: number;
  /** CPU of all the servers' threads, summed, read once the last one is ready (idle servers add ~0). */
  cpuMs: number;
  cpuPerServerMs: number;
  /** Summed time the servers' threads were runnable but had no CPU. */
  runQueueWaitMs: number;
  /** Machine CPU-seconds this start-up needed, divided by cores: the CPU-bound lower bound on allReadyMs. */
  cpuBoundMs: number;
}

export interface StartupProbe {
  stages: StageResult[];
  concurrent: ConcurrentStart[];
}

const REPORT = 'const u = process.cpuUsage(); process.stdout.write(JSON.stringify({ cpuMs: (u.user + u.system) / 1000 }));';

/** A Node script that starts a warm-up worker (onnxruntime + session), then times a second one alone. */
function extraWorker(modelPath: string): string {
  // No require, no top-level await: the eval'd worker inherits --input-type=module.
  const code = `import('onnxruntime-node').then((ort) => ort.InferenceSession.create(${JSON.stringify(modelPath)}, { intraOpNumThreads: 1 })).then(() => import('node:worker_threads')).then((w) => w.parentPort.postMessage('loaded'));`;
  return [
    "const { Worker } = await import('node:worker_threads');",
    `const load = () => new Promise((res, rej) => { const w = new Worker(${JSON.stringify(code)}, { eval: true }); w.once('message', () => res(w)); w.once('error', rej); });`,
    'const warm = await load();',
    'const c0 = process.cpuUsage(); const t0 = performance.now();',
    'const second = await load();',
    'const d = process.cpuUsage(c0); const wallMs = performance.now() - t0;',
    'await warm.terminate(); await second.terminate();',
    'process.stdout.write(JSON.stringify({ cpuMs: (d.user + d.system) / 1000, wallMs }));',
    'process.exit(0);',
  ].join('\n');
}

function nodeStage(root: string, body: string): Promise<StageSample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', `${body}\n${REPORT}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`probe stage exited ${code}: ${err}`));
      try {
        // A stage that measures a part of its own run reports its own wall time.
        const r = JSON.parse(out) as { cpuMs: number; wallMs?: number };
        resolve({ wallMs: r.wallMs ?? wallMs, cpuMs: r.cpuMs });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

async function serveSample(cliPath: string, modelPath: string): Promise<StageSample> {
  const t0 = performance.now();
  const s = await startServer({ cliPath, modelPath, name: 'iris', flags: ['--workers', '1'] });
  const wallMs = performance.now() - t0;
  const cpuMs = processSched(s.pid)?.cpuMs ?? Number.NaN;
  await s.stop();
  return { wallMs, cpuMs };
}

function summarizeStage(stage: string, samples: StageSample[]): StageResult {
  return { stage, wallMs: round(median(samples.map((s) => s.wallMs))), cpuMs: round(median(samples.map((s) => s.cpuMs))), samples: samples.map((s) => ({ wallMs: round(s.wallMs), cpuMs: round(s.cpuMs) })) };
}

async function concurrentStart(cliPath: string, modelPath: string, count: number, cores: number): Promise<ConcurrentStart> {
  const t0 = performance.now();
  const ready: number[] = [];
  const started = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      const s = await startServer({ cliPath, modelPath, name: 'iris', flags: ['--workers', '1'], readyTimeoutMs: 120_000 });
      ready.push(performance.now() - t0);
      return s;
    }),
  );
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const sched = servers.map((s: ServerProcess) => processSched(s.pid) ?? { cpuMs: Number.NaN, waitMs: Number.NaN });
    const cpuMs = sched.reduce((a, s) => a + s.cpuMs, 0);
    return {
      servers: count,
      allReadyMs: round(Math.max(...ready)),
      medianReadyMs: round(median(ready)),
      cpuMs: round(cpuMs),
      cpuPerServerMs: round(cpuMs / count),
      runQueueWaitMs: round(sched.reduce((a, s) => a + s.waitMs, 0)),
      cpuBoundMs: round(cpuMs / cores),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function probeStartup(o: { root: string; cliPath: string; modelPath: string; rounds: number; concurrency: readonly number[]; cores: number; onResult?: (line: string) => void }): Promise<StartupProbe> {
  const plan: [string, () => Promise<StageSample>][] = [
    ['node (empty script)', () => nodeStage(o.root, '')],
    ['node + import onnxruntime-node', () => nodeStage(o.root, "await import('onnxruntime-node');")],
    ['node + onnxruntime + InferenceSession.create(iris)', () => nodeStage(o.root, `const ort = await import('onnxruntime-node'); await ort.InferenceSession.create(${JSON.stringify(o.modelPath)}, { intraOpNumThreads: 1 });`)],
    ['meridian serve --workers 1 → server.ready', () => serveSample(o.cliPath, o.modelPath)],
    // What a replica would cost as one more thread of an already-running process (a pool that has
    // loaded onnxruntime once): the second worker is measured, the first only warms the process.
    ['one more worker thread in a warm process: onnxruntime + session', () => nodeStage(o.root, extraWorker(o.modelPath))],
  ];
  const samples: StageSample[][] = plan.map(() => []);
  for (let round = 0; round < o.rounds; round++) {
    for (const [i, [, run]] of plan.entries()) samples[i]!.push(await run());
  }
  const stages = plan.map(([stage], i) => summarizeStage(stage, samples[i]!));
  for (const s of stages) o.onResult?.(`  start-up: ${s.stage.padEnd(64)} wall ${s.wallMs} ms, CPU ${s.cpuMs} ms`);
  const concurrent: ConcurrentStart[] = [];
  for (const count of o.concurrency) {
    const c = await concurrentStart(o.cliPath, o.modelPath, count, o.cores);
    concurrent.push(c);
    o.onResult?.(`  ${String(count).padStart(2)} servers at once: all ready ${c.allReadyMs} ms (median ${c.medianReadyMs} ms), CPU ${c.cpuMs} ms (${c.cpuPerServerMs}/server), run-queue wait ${c.runQueueWaitMs} ms, CPU-bound floor ${c.cpuBoundMs} ms`);
  }
  return { stages, concurrent };
}
