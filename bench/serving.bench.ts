// bench:serving — the example MLP served over HTTP (OIP v2 REST, one row per request) at several
// closed-loop concurrencies, dynamic batching on vs off, against the in-process onnxruntime
// ceiling. Client and servers share this machine's cores, so every number is comparative: runs
// being compared happen back to back in one invocation, and the results report ratios.
//
// Env: BENCH_SECONDS (measured window per run, default 5), BENCH_WARMUP_SECONDS (discarded, default
// 2), BENCH_CONCURRENCY (default "1,16,64"), BENCH_ROUNDS (runs per cell; median and best are
// reported, default 3), BENCH_SWEEP=1 (also the investigation runs of sweepPlan).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSignature } from '../src/serving/signature.js';
import { measureCeilings, type CeilingSummary } from './lib/ceiling.js';
import { runCells, type Cell } from './lib/cells.js';
import type { HttpRun } from './lib/http-run.js';
import { measureMainThreadCost } from './lib/main-thread-cost.js';
import { ceilingTable, httpTable, sweepTable } from './lib/report.js';
import { killAllStarted } from './lib/serve-process.js';
import { round } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = resolve(ROOT, 'dist/src/bin/meridian.js');
const MODEL = resolve(ROOT, 'models/mlp.onnx');
const INFER_PATH = '/v2/models/mlp/infer';
const FEATURES = 256;
const SIGNATURE: ModelSignature = {
  inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, FEATURES] }],
  outputs: [
    { name: 'logits', datatype: 'FP32', shape: [-1, 10] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 10] },
  ],
};
/** The server's defaults (src/core/defaults.ts), spelled out so the results say what ran. */
const WORKERS = 2;
const BATCHING_ON = ['--workers', String(WORKERS)];
const BATCHING_OFF = ['--workers', String(WORKERS), '--no-batching'];
/** In-process ceiling layouts: [sessions (worker threads), intra-op threads per session]. */
const CEILING_LAYOUTS = [
  [2, 1],
  [1, 2],
] as const;
/** Investigation runs (BENCH_SWEEP=1): batcher flags at the highest concurrency (`top`), and the
 *  queue delay alone at concurrency 1, where waiting for a batch can only add latency. */
function sweepPlan(top: number): Cell[] {
  const grid = [0, 1, 2, 5].flatMap((delay) => [16, 32, 64].map((size) => ['--workers', '2', '--max-queue-delay-ms', String(delay), '--max-batch-size', String(size)]));
  return [
    ...grid.map((flags) => ({ label: 'sweep', flags, concurrency: top })),
    // Two workers plus the main thread plus the client already oversubscribe two cores.
    { label: 'sweep', flags: ['--workers', '1', '--max-queue-delay-ms', '1', '--max-batch-size', '32'], concurrency: top },
    { label: 'sweep', flags: ['--workers', '1', '--max-queue-delay-ms', '0', '--max-batch-size', '64'], concurrency: top },
    { label: 'sweep', flags: ['--workers', '2', '--max-queue-delay-ms', '0'], concurrency: 1 },
    { label: 'sweep', flags: ['--workers', '2', '--max-queue-delay-ms', '1'], concurrency: 1 },
    // Per-request cost amortised over many rows: how close HTTP/JSON gets to the ceiling then.
    { label: 'sweep-32-rows', flags: ['--workers', '2'], concurrency: 8, rowsPerRequest: 32 },
  ];
}

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}: "${raw}" is not a number ≥ ${min}; e.g. ${name}=${fallback}`);
  return n;
}

function readConfig() {
  const raw = process.env.BENCH_CONCURRENCY ?? '1,16,64';
  const concurrency = raw.split(',').map(Number);
  if (concurrency.length === 0 || concurrency.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new Error(`BENCH_CONCURRENCY: "${raw}" must be positive integers separated by commas, e.g. 1,16,64`);
  }
  return {
    measureMs: envNumber('BENCH_SECONDS', 5, 0.1) * 1000,
    warmupMs: envNumber('BENCH_WARMUP_SECONDS', 2, 0) * 1000,
    concurrency,
    rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
    sweep: process.env.BENCH_SWEEP === '1',
    workers: WORKERS,
    requestRows: 1,
  };
}

/** Distinct request bodies (6 decimals per value, as a typical client prints floats), pre-serialised. */
function makeBodies(count: number, rows: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const data = Array.from({ length: rows * FEATURES }, () => Number((Math.random() * 2 - 1).toFixed(6)));
    return Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [rows, FEATURES], datatype: 'FP32', data }], outputs: [{ name: 'logits' }] }));
  });
}

function machine() {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model ?? 'unknown', logicalCpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvgAtStart: os.loadavg().map((l) => round(l)) };
}

function progress(r: HttpRun): void {
  const what = `c=${r.concurrency} ${r.label} ${r.flags.join(' ')}${r.rowsPerRequest > 1 ? ` (${r.rowsPerRequest} rows/request)` : ''}`;
  console.log(`  ${what.padEnd(80)} ${round(r.rowsPerSec, 4)} rows/s  p50 ${round(r.latency.p50Ms)} ms  p99 ${round(r.latency.p99Ms)} ms  batch ${round(r.server.meanBatchSize)}  other jobs ${r.cpu?.otherPct ?? '?'}% CPU  errors ${r.failed}`);
}

interface Throughput {
  rowsPerSec: number;
  bestRowsPerSec: number;
}

function ratio(measured: Throughput, reference: Throughput): { ratioMedian: number; ratioBest: number } {
  return { ratioMedian: round(measured.rowsPerSec / reference.rowsPerSec), ratioBest: round(measured.bestRowsPerSec / reference.bestRowsPerSec) };
}

/** A goal judged twice, on medians and on best runs; the verdict says when noise decides it. */
function goal(text: string, measured: Throughput, reference: Throughput, threshold: number) {
  const { ratioMedian, ratioBest } = ratio(measured, reference);
  const passes = [ratioMedian, ratioBest].filter((r) => r >= threshold).length;
  const verdict = passes === 2 ? 'PASS' : passes === 0 ? 'FAIL' : 'UNDECIDED (medians and best runs disagree)';
  return { goal: text, threshold, ratioMedian, ratioBest, verdict };
}

async function main(): Promise<void> {
  const cfg = readConfig();
  const bodies = makeBodies(64, 1);
  const bodyCache = new Map<number, Buffer[]>([[1, bodies]]);
  const bodiesFor = (rows: number): Buffer[] => {
    if (!bodyCache.has(rows)) bodyCache.set(rows, makeBodies(16, rows));
    return bodyCache.get(rows)!;
  };
  const date = new Date().toISOString();
  const info = machine();
  console.log(`bench:serving  ${info.cpuModel} × ${info.logicalCpus}, node ${info.node}; ${cfg.warmupMs / 1000} s warm-up + ${cfg.measureMs / 1000} s measured per run, ${cfg.rounds} round(s)`);
  const cellOptions = { serve: { cliPath: CLI, modelPath: MODEL, name: 'mlp' }, path: INFER_PATH, bodies: bodiesFor, warmupMs: cfg.warmupMs, measureMs: cfg.measureMs, rounds: cfg.rounds, onRun: progress };
  const top = Math.max(...cfg.concurrency);

  // Batching on vs off, side by side; plus bare HTTP (GET, no body, no JSON, no inference) on
  // the same stack: what the main thread and this client manage when serving costs nothing.
  const cells: Cell[] = [
    ...cfg.concurrency.flatMap((concurrency) => [
      { label: 'batching', flags: BATCHING_ON, concurrency },
      { label: 'no-batching', flags: BATCHING_OFF, concurrency },
    ]),
    { label: 'http-noop', flags: BATCHING_ON, concurrency: top, get: { path: '/v2/health/live' } },
  ];
  const main = await runCells(cells, cellOptions);
  const http = main.summaries.filter((r) => r.label !== 'http-noop');
  const noop = main.summaries.find((r) => r.label === 'http-noop')!;
  const batchedTop = http.find((r) => r.concurrency === top && r.label === 'batching')!;
  const unbatchedTop = http.find((r) => r.concurrency === top && r.label === 'no-batching')!;
  const formedBatch = Math.max(1, Math.round(batchedTop.server.meanBatchSize));

  // Ceiling: 2 sessions × 1 intra-op thread is exactly the server's worker configuration, so the
  // HTTP/ceiling ratio isolates serving overhead. 1 × 2 is reported too, to see whether that
  // configuration itself leaves throughput on the table. Same rounds as the HTTP cells.
  const plans = [...new Set([formedBatch, 1])].flatMap((batch) => CEILING_LAYOUTS.map(([sessions, intraOpThreads]) => ({ batch, sessions, intraOpThreads })));
  const base = { modelPath: MODEL, inputName: 'input', outputName: 'logits', features: FEATURES, warmupMs: cfg.warmupMs, measureMs: cfg.measureMs };
  const ceilings = await measureCeilings(plans, base, cfg.rounds, (c) =>
    console.log(`  ceiling ${c.sessions}×${c.intraOpThreads} batch ${c.batch}: ${round(c.rowsPerSec, 4)} rows/s (run p50 ${round(c.run.p50Ms)} ms)`),
  );
  const ceilingAt = (batch: number): CeilingSummary => ceilings.summaries.find((c) => c.batch === batch && c.sessions === WORKERS && c.intraOpThreads === 1)!;
  const mainThreadCost = measureMainThreadCost(bodies, SIGNATURE, 1000);
  console.log(`  main thread JSON per request: parse+validate ${round(mainThreadCost.parseRequestUs)} µs, reply ${round(mainThreadCost.renderReplyUs)} µs (${mainThreadCost.requestBytes}-byte body)`);

  const sweep = cfg.sweep ? await runCells(sweepPlan(top), cellOptions) : undefined;

  const goals = {
    a: goal(`batching ≥ 2× unbatched rows/s at concurrency ${top}`, batchedTop, unbatchedTop, 2),
    b: goal(`HTTP with batching ≥ 0.5 × in-process ceiling (${WORKERS} sessions × 1 thread) at batch ${formedBatch}`, batchedTop, ceilingAt(formedBatch), 0.5),
  };
  /** Context for the verdicts, no goal of their own. */
  const ratios = {
    unbatchedVsCeilingBatch1: ratio(unbatchedTop, ceilingAt(1)),
    /** Bare HTTP on this machine against the ceiling: an upper bound for goal (b) with one row per request. */
    httpNoopVsCeiling: ratio(noop, ceilingAt(formedBatch)),
  };
  const notes = [
    `Client (this process, one thread) and server (main thread + ${WORKERS} inference workers) share ${info.logicalCpus} logical CPUs; the in-process ceiling runs alone.`,
    'CPU % is of one core over the measured window (200 % = both cores of a 2-core machine); "other jobs" is the machine\'s busy time minus server and client: the noise a run suffered.',
    'Mean batch size, compute and queue times come from the server /metrics, differenced over the measured window.',
    `Each cell ran ${cfg.rounds} time(s) in rotating order; tables show the median-throughput run and the best run (other jobs only slow runs down, so best-of-N is the least-disturbed estimate). allHttpRuns has every run.`,
  ];
  const results = {
    benchmark: 'bench:serving',
    date,
    machine: info,
    config: { ...cfg, model: 'models/mlp.onnx (256→1024→1024→10 FP32)', batchingOn: BATCHING_ON, batchingOff: BATCHING_OFF },
    goals,
    ratios,
    http,
    httpNoop: noop,
    ceilings: ceilings.summaries,
    mainThreadCost,
    sweep: sweep?.summaries ?? [],
    allHttpRuns: [...main.all, ...(sweep?.all ?? [])],
    allCeilingRuns: ceilings.all,
    notes,
  };
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `serving-${date.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\n${httpTable([...http, noop])}\n\n${ceilingTable(ceilings.summaries)}`);
  if (sweep) console.log(`\n${sweepTable(sweep.summaries)}`);
  for (const [k, g] of Object.entries(goals)) console.log(`(${k}) ${g.goal}: ratio ${g.ratioMedian} (medians), ${g.ratioBest} (best runs) → ${g.verdict}`);
  for (const [k, r] of Object.entries(ratios)) console.log(`${k}: ${r.ratioMedian} (medians), ${r.ratioBest} (best runs)`);
  console.log(`\nwrote ${file}`);
}

process.once('SIGINT', () => {
  killAllStarted();
  process.exit(130);
});
main().catch((e: unknown) => {
  killAllStarted();
  console.error(`bench:serving: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
