// bench:serving — the example MLP served over HTTP (OIP v2 REST) at several closed-loop
// concurrencies, against the in-process onnxruntime ceiling at the same batch size. Two phases:
//  1. one row per JSON request, dynamic batching on vs off, plus bare HTTP; at the top concurrency
//     also one-row binary tensor data requests on vs off, and both encodings on vs off with wrk
//     (C) as the load generator instead of this process's Node client (when wrk is installed);
//  2. multi-row requests with batching on: R rows per request as binary tensor data (Triton's
//     binary_tensor_data extension, binary logits back) for R = the mean batch phase 1 formed at
//     the top concurrency and R = the max batch size, and the same max-batch rows as JSON; at the
//     top concurrency the same cells again with wrk generating the load (when wrk is installed).
// Goal (b) compares HTTP with the ceiling at the same rows per onnxruntime run: in phase 2 every
// HTTP run is followed at once by a ceiling run at the mean batch the server formed in it. Client and
// servers share this machine's cores, so every number is comparative: runs being compared happen
// back to back in one invocation, and the results report ratios.
//
// Env: BENCH_SECONDS (measured window per run, default 5), BENCH_WARMUP_SECONDS (discarded, default
// 2), BENCH_CONCURRENCY (phase 1, default "1,16,64"), BENCH_BINARY_CONCURRENCY (phase 2, default
// "16,64"), BENCH_ROUNDS (runs per cell; median and best are reported, default 3), BENCH_SWEEP=1
// (also the investigation runs of sweepPlan), BENCH_WRK=0 (no wrk cells; default: when wrk is on
// PATH), BENCH_TAG (results go to serving-<date>-<tag>.json).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSignature } from '../src/serving/signature.js';
import { measureCeiling, measureCeilings, type CeilingPlan, type CeilingSummary } from './lib/ceiling.js';
import { runCells, type Cell } from './lib/cells.js';
import { snapshotDist } from './lib/dist-snapshot.js';
import { removeWrkFiles, type HttpRun } from './lib/http-run.js';
import type { RequestBody } from './lib/load.js';
import { measureMainThreadCost } from './lib/main-thread-cost.js';
import { ceilingTable, codecTable, comparisonTable, httpTable, sweepTable, type CeilingComparison, type CeilingPair } from './lib/report.js';
import { killAllStarted } from './lib/serve-process.js';
import { median, round } from './lib/stats.js';
import { envNumber } from './lib/bench-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
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
/** The server's default --max-batch-size: the most rows one onnxruntime run gets. */
const MAX_BATCH = 32;
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

function envConcurrency(name: string, fallback: string): number[] {
  const raw = process.env[name] ?? fallback;
  const concurrency = raw.split(',').map(Number);
  if (concurrency.length === 0 || concurrency.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new Error(`${name}: "${raw}" must be positive integers separated by commas, e.g. ${fallback}`);
  }
  return concurrency;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function readConfig() {
  return {
    measureMs: envNumber('BENCH_SECONDS', 5, 0.1) * 1000,
    warmupMs: envNumber('BENCH_WARMUP_SECONDS', 2, 0) * 1000,
    concurrency: envConcurrency('BENCH_CONCURRENCY', '1,16,64'),
    binaryConcurrency: envConcurrency('BENCH_BINARY_CONCURRENCY', '16,64'),
    rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
    sweep: process.env.BENCH_SWEEP === '1',
    wrk: process.env.BENCH_WRK === undefined ? onPath('wrk') : process.env.BENCH_WRK === '1',
    workers: WORKERS,
    requestRows: 1,
  };
}

/**
 * Distinct request bodies (6 decimals per value, as a typical client prints floats), pre-serialised.
 * JSON: values in `data`, logits back as JSON. Binary: a JSON header with
 * `binary_data_size`, the rows as little-endian float32 behind it, logits back as binary.
 */
function makeBodies(count: number, rows: number, binary: boolean): RequestBody[] {
  return Array.from({ length: count }, (): RequestBody => {
    const data = Array.from({ length: rows * FEATURES }, () => Number((Math.random() * 2 - 1).toFixed(6)));
    const shape = [rows, FEATURES];
    if (!binary) {
      const bytes = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape, datatype: 'FP32', data }], outputs: [{ name: 'logits' }] }));
      return { bytes, headers: { 'content-type': 'application/json' } };
    }
    const tensor = Buffer.from(Float32Array.from(data).buffer);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape, datatype: 'FP32', parameters: { binary_data_size: tensor.length } }], outputs: [{ name: 'logits', parameters: { binary_data: true } }] }));
    return { bytes: Buffer.concat([header, tensor]), headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) } };
  });
}

function machine() {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model ?? 'unknown', logicalCpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvgAtStart: os.loadavg().map((l) => round(l)) };
}

function progress(r: HttpRun): void {
  const what = `c=${r.concurrency} ${r.label} ${r.flags.join(' ')}${r.rowsPerRequest > 1 || r.binary ? ` (${r.rowsPerRequest} rows/request${r.binary ? ', binary' : ''})` : ''}${r.client === 'wrk' ? ' [wrk]' : ''}`;
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
  return { goal: text, threshold, ratioMedian, ratioBest, verdict: verdictOf([ratioMedian, ratioBest], threshold) };
}

function verdictOf(ratios: readonly number[], threshold: number, disagreement = 'medians and best runs disagree'): string {
  const passes = ratios.filter((r) => r >= threshold).length;
  return passes === ratios.length ? 'PASS' : passes === 0 ? 'FAIL' : `UNDECIDED (${disagreement})`;
}

/** A paired round counts as quiet when other jobs used at most this much CPU (% of one core) during both of its runs. */
const QUIET_OTHER_CPU_PCT = 30;

async function main(): Promise<void> {
  const cfg = readConfig();
  const bodyCache = new Map<string, RequestBody[]>();
  const bodiesFor = (rows: number, binary: boolean): RequestBody[] => {
    const key = `${rows}:${binary}`;
    if (!bodyCache.has(key)) bodyCache.set(key, makeBodies(rows === 1 ? 64 : 16, rows, binary));
    return bodyCache.get(key)!;
  };
  const date = new Date().toISOString();
  const info = machine();
  console.log(`bench:serving  ${info.cpuModel} × ${info.logicalCpus}, node ${info.node}; ${cfg.warmupMs / 1000} s warm-up + ${cfg.measureMs / 1000} s measured per run, ${cfg.rounds} round(s)`);
  // Servers start from a private copy of dist/: other sessions rebuild it while this runs.
  const dist = snapshotDist(ROOT);
  process.once('exit', () => {
    dist.remove();
    removeWrkFiles();
  });
  const cellOptions = { serve: { cliPath: dist.cliPath, modelPath: MODEL, name: 'mlp' }, path: INFER_PATH, bodies: bodiesFor, warmupMs: cfg.warmupMs, measureMs: cfg.measureMs, rounds: cfg.rounds, onRun: progress };
  const top = Math.max(...cfg.concurrency);

  // Phase 1. One-row JSON requests, batching on vs off, side by side; plus bare HTTP (GET, no body,
  // no JSON, no inference) on the same stack: what the main thread and this client manage when
  // serving costs nothing. At the top concurrency, goal (a) also with one-row binary requests, and
  // with wrk generating the load: the Node client takes CPU the server would otherwise get.
  const variants: { suffix: string; binary: boolean; client: 'node' | 'wrk' }[] = [
    { suffix: ', binary', binary: true, client: 'node' },
    ...(cfg.wrk
      ? [
          { suffix: ', wrk', binary: false, client: 'wrk' as const },
          { suffix: ', binary, wrk', binary: true, client: 'wrk' as const },
        ]
      : []),
  ];
  const cells: Cell[] = [
    ...cfg.concurrency.flatMap((concurrency) => [
      { label: 'batching', flags: BATCHING_ON, concurrency },
      { label: 'no-batching', flags: BATCHING_OFF, concurrency },
    ]),
    ...variants.flatMap((v) => [
      { label: `batching${v.suffix}`, flags: BATCHING_ON, concurrency: top, binary: v.binary, client: v.client },
      { label: `no-batching${v.suffix}`, flags: BATCHING_OFF, concurrency: top, binary: v.binary, client: v.client },
    ]),
    { label: 'http-noop', flags: BATCHING_ON, concurrency: top, get: { path: '/v2/health/live' } },
  ];
  const main = await runCells(cells, cellOptions);
  const http = main.summaries.filter((r) => r.label !== 'http-noop');
  const noop = main.summaries.find((r) => r.label === 'http-noop')!;
  const atTop = (label: string) => http.find((r) => r.concurrency === top && r.label === label)!;
  const batchedTop = atTop('batching');
  const unbatchedTop = atTop('no-batching');
  const formedBatch = Math.max(1, Math.round(batchedTop.server.meanBatchSize));

  // Phase 2. Multi-row requests, batching on: binary tensor data with R = the batch phase 1 formed
  // and R = the max batch, and max-batch rows as JSON, to see what decoding JSON numbers costs.
  // Right after each HTTP run, the in-process ceiling (2 sessions × 1 intra-op thread, exactly the
  // server's workers) runs at the batch size that run formed: the pair shares the machine's load of
  // the moment, so their ratio is goal (b) for that round, whatever other jobs were doing.
  const base = { modelPath: MODEL, inputName: 'input', outputName: 'logits', features: FEATURES, warmupMs: cfg.warmupMs, measureMs: cfg.measureMs };
  const binaryRows = [...new Set([formedBatch, MAX_BATCH])];
  // With wrk installed, the top concurrency runs once more with wrk generating the load: the Node
  // client's CPU per request (~55 µs) is taken from the two cores the server and the ceiling
  // share, which clients on other machines would not take.
  const topBinary = Math.max(...cfg.binaryConcurrency);
  const multiRowCells: Cell[] = [
    ...cfg.binaryConcurrency.flatMap((concurrency) => [
      ...binaryRows.map((rowsPerRequest) => ({ label: 'binary', flags: BATCHING_ON, concurrency, rowsPerRequest, binary: true })),
      { label: 'json', flags: BATCHING_ON, concurrency, rowsPerRequest: MAX_BATCH },
    ]),
    ...(cfg.wrk
      ? [
          ...binaryRows.map((rowsPerRequest) => ({ label: 'binary, wrk', flags: BATCHING_ON, concurrency: topBinary, rowsPerRequest, binary: true, client: 'wrk' as const })),
          { label: 'json, wrk', flags: BATCHING_ON, concurrency: topBinary, rowsPerRequest: MAX_BATCH, client: 'wrk' as const },
        ]
      : []),
  ];
  const pairs = new Map<Cell, CeilingPair[]>(multiRowCells.map((c) => [c, []]));
  const multiRow = await runCells(multiRowCells, {
    ...cellOptions,
    afterRun: async (run, cell, roundIndex) => {
      const formed = Math.round(run.server.meanBatchSize);
      const batch = Number.isFinite(formed) && formed >= 1 ? formed : run.rowsPerRequest;
      const c = await measureCeiling({ ...base, batch, intraOpThreads: 1 }, WORKERS);
      const pair: CeilingPair = {
        round: roundIndex,
        batch,
        httpRowsPerSec: run.rowsPerSec,
        ceilingRowsPerSec: c.rowsPerSec,
        ratio: round(run.rowsPerSec / c.rowsPerSec),
        serverComputeMs: run.server.meanComputeMs,
        ceilingRunP50Ms: c.run.p50Ms,
        ...(run.cpu !== undefined ? { httpOtherCpuPct: run.cpu.otherPct } : {}),
        ...(c.otherCpuPct !== undefined ? { ceilingOtherCpuPct: c.otherCpuPct } : {}),
      };
      pairs.get(cell)!.push(pair);
      console.log(`    paired ceiling ${WORKERS}×1 batch ${batch}: ${round(c.rowsPerSec, 4)} rows/s (run p50 ${round(c.run.p50Ms)} ms, other jobs ${c.otherCpuPct ?? '?'}% CPU) → HTTP ÷ ceiling ${pair.ratio}`);
    },
  });

  // Ceilings for phase 1, after it: the batch it formed and batch 1, in both layouts (1 × 2 shows
  // whether the server's layout itself leaves throughput on the table). Same rounds as the cells.
  const plans: CeilingPlan[] = [...new Set([formedBatch, 1])].flatMap((batch) => CEILING_LAYOUTS.map(([sessions, intraOpThreads]) => ({ batch, sessions, intraOpThreads })));
  const ceilings = await measureCeilings(plans, base, cfg.rounds, (c) =>
    console.log(`  ceiling ${c.sessions}×${c.intraOpThreads} batch ${c.batch}: ${round(c.rowsPerSec, 4)} rows/s (run p50 ${round(c.run.p50Ms)} ms)`),
  );
  const ceilingAt = (batch: number): CeilingSummary => ceilings.summaries.find((c) => c.batch === batch && c.sessions === WORKERS && c.intraOpThreads === 1)!;
  const mainThreadCost = measureMainThreadCost(bodiesFor, [...new Set([1, ...binaryRows])], SIGNATURE, 1000);
  console.log(`  decode/encode per one-row JSON request (in the inference workers): parse+validate ${round(mainThreadCost.parseRequestUs)} µs, reply ${round(mainThreadCost.renderReplyUs)} µs (${mainThreadCost.requestBytes}-byte body)`);

  const sweep = cfg.sweep ? await runCells(sweepPlan(top), cellOptions) : undefined;

  const bText = `HTTP with batching ≥ 0.5 × in-process ceiling (${WORKERS} sessions × 1 thread) at the same batch size`;
  // Other jobs come and go within seconds, so even a pair can see different loads. Judge on the two
  // least-disturbed estimates: the best HTTP run ÷ the best ceiling run at that batch size (pooled
  // over every paired ceiling), and the median ratio of quiet pairs (of all pairs if none was quiet).
  const bestCeiling = new Map<number, number>();
  for (const p of [...pairs.values()].flat()) bestCeiling.set(p.batch, Math.max(bestCeiling.get(p.batch) ?? 0, p.ceilingRowsPerSec));
  const comparisons: CeilingComparison[] = multiRow.summaries.map((cell, i) => {
    const own = pairs.get(multiRowCells[i]!)!;
    const ratioMedian = round(median(own.map((p) => p.ratio)));
    const ratioBest = round(cell.bestRowsPerSec / Math.max(...own.map((p) => bestCeiling.get(p.batch)!)));
    const quiet = own.filter((p) => (p.httpOtherCpuPct ?? Infinity) <= QUIET_OTHER_CPU_PCT && (p.ceilingOtherCpuPct ?? Infinity) <= QUIET_OTHER_CPU_PCT);
    const ratioQuiet = quiet.length > 0 ? round(median(quiet.map((p) => p.ratio))) : undefined;
    const verdict = verdictOf([ratioBest, ratioQuiet ?? ratioMedian], 0.5, `best ÷ best and the ${quiet.length > 0 ? 'quiet' : 'all'}-pairs median disagree`);
    return { cell, pairs: own, ratioMedian, ratioBest, ...(ratioQuiet !== undefined ? { ratioQuiet } : {}), quietPairs: quiet.length, verdict };
  });
  const binaryComparisons = comparisons.filter((c) => c.cell.binary);
  const headline = [...binaryComparisons].sort((x, y) => y.ratioBest - x.ratioBest)[0]!;
  const cellGoal = (c: CeilingComparison) => ({
    concurrency: c.cell.concurrency,
    client: c.cell.client,
    rowsPerRequest: c.cell.rowsPerRequest,
    binary: c.cell.binary,
    batches: [...new Set(c.pairs.map((p) => p.batch))],
    ratioBest: c.ratioBest,
    ratioQuiet: c.ratioQuiet ?? null,
    quietPairs: c.quietPairs,
    ratioMedian: c.ratioMedian,
    verdict: c.verdict,
  });
  const goals = {
    a: goal(`batching ≥ 2× unbatched rows/s at concurrency ${top}`, batchedTop, unbatchedTop, 2),
    /** Goal (a) with the other encodings and load generators of phase 1 (one row per request each). */
    aVariants: variants.map((v) => ({ variant: v.suffix.slice(2), ...goal(`batching ≥ 2× unbatched rows/s at concurrency ${top} (one row per request${v.suffix})`, atTop(`batching${v.suffix}`), atTop(`no-batching${v.suffix}`), 2) })),
    /** Judged per binary cell on best ÷ pooled best and on the median of quiet pairs; the headline is the cell with the highest best ÷ best. */
    b: {
      goal: `${bText}: binary tensor data requests of R rows (R = ${binaryRows.join(', ')}), binary logits back`,
      threshold: 0.5,
      ratioBest: headline.ratioBest,
      ratioQuiet: headline.ratioQuiet ?? null,
      ratioMedian: headline.ratioMedian,
      verdict: headline.verdict,
      headline: cellGoal(headline),
      cells: binaryComparisons.map(cellGoal),
    },
    /** The same goal with one-row JSON requests, as judged before the binary extension existed. */
    bJsonOneRow: goal(`${bText} (${formedBatch}), one-row JSON requests at concurrency ${top}`, batchedTop, ceilingAt(formedBatch), 0.5),
  };
  /** Context for the verdicts, no goal of their own. */
  const ratios = {
    unbatchedVsCeilingBatch1: ratio(unbatchedTop, ceilingAt(1)),
    /** Bare HTTP on this machine against the ceiling: an upper bound for goal (b) with one row per request. */
    httpNoopVsCeiling: ratio(noop, ceilingAt(formedBatch)),
    /** Multi-row JSON requests against the ceiling at their batch: what binary replaces. */
    jsonMultiRowVsCeiling: comparisons.filter((c) => !c.cell.binary).map(cellGoal),
  };
  const notes = [
    `Client (this process, one thread) and server (main thread + ${WORKERS} inference workers) share ${info.logicalCpus} logical CPUs; the in-process ceiling runs alone.`,
    'CPU % is of one core over the measured window (200 % = both cores of a 2-core machine); "other jobs" is the machine\'s busy time minus server and client: the noise a run suffered.',
    'Mean batch size, compute and queue times come from the server /metrics, differenced over the measured window.',
    'The load generator is this process (Node HTTP client, one thread) unless a cell says wrk: then wrk (C, one thread, same closed loop over the same bodies) runs as a child process, its CPU counted as client CPU.',
    'From run D (2026-11-23) on, the server main thread only reads request bytes and writes reply bytes: decoding, validation and encoding run in the inference workers, so mainThreadCost (its name kept for comparison with earlier files) now times work the workers do.',
    `Each cell ran ${cfg.rounds} time(s) in rotating order; tables show the median-throughput run and the best run (other jobs only slow runs down, so best-of-N is the least-disturbed estimate). allHttpRuns has every run.`,
    `Phase 2 (multiRow) ran after phase 1 with its own server. After each of its HTTP runs the 2 × 1 ceiling ran at the mean batch that run formed, rounded (multiRowPairs). Goal (b) per cell: best HTTP run ÷ best ceiling run at that batch (pooled over all pairs), and the median ratio of quiet pairs (other jobs ≤ ${QUIET_OTHER_CPU_PCT} % of a core during both runs; all pairs when none was quiet). The median over all pairs is reported but not judged: a pair's two runs can still meet different loads. Phase-1 ceilings ran after both phases.`,
  ];
  const results = {
    benchmark: 'bench:serving',
    date,
    machine: info,
    config: { ...cfg, model: 'models/mlp.onnx (256→1024→1024→10 FP32)', batchingOn: BATCHING_ON, batchingOff: BATCHING_OFF, binaryRows, maxBatch: MAX_BATCH },
    goals,
    ratios,
    http,
    httpNoop: noop,
    multiRow: multiRow.summaries,
    multiRowPairs: comparisons.map((c) => ({ concurrency: c.cell.concurrency, client: c.cell.client, rowsPerRequest: c.cell.rowsPerRequest, binary: c.cell.binary, pairs: c.pairs })),
    ceilings: ceilings.summaries,
    mainThreadCost,
    sweep: sweep?.summaries ?? [],
    allHttpRuns: [...main.all, ...multiRow.all, ...(sweep?.all ?? [])],
    allCeilingRuns: ceilings.all,
    notes,
  };
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  // BENCH_TAG keeps an earlier run of the same day: serving-<date>-<tag>.json.
  const tag = process.env.BENCH_TAG ?? '';
  if (!/^[a-z0-9-]*$/.test(tag)) throw new Error(`BENCH_TAG: "${tag}" may hold only a-z, 0-9 and "-", e.g. BENCH_TAG=after-worker-decode`);
  const file = resolve(dir, `serving-${date.slice(0, 10)}${tag === '' ? '' : `-${tag}`}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\n${httpTable([...http, noop])}\n\n${comparisonTable(comparisons)}\n\n${ceilingTable(ceilings.summaries)}\n\n${codecTable(mainThreadCost.codecs)}`);
  if (sweep) console.log(`\n${sweepTable(sweep.summaries)}`);
  console.log(`(a) ${goals.a.goal}: ratio ${goals.a.ratioMedian} (medians), ${goals.a.ratioBest} (best runs) → ${goals.a.verdict}`);
  for (const v of goals.aVariants) console.log(`(a, ${v.variant}) ratio ${v.ratioMedian} (medians), ${v.ratioBest} (best runs) → ${v.verdict}`);
  for (const c of goals.b.cells) {
    console.log(`(b) c=${c.concurrency}, ${c.rowsPerRequest} binary rows/request, batch ${c.batches.join('/')}: best ÷ best ${c.ratioBest}, quiet pairs ${c.ratioQuiet ?? '–'} (${c.quietPairs}), all pairs ${c.ratioMedian} → ${c.verdict}`);
  }
  console.log(`(b) headline: ${goals.b.verdict}`);
  console.log(`(b, one-row JSON) ${goals.bJsonOneRow.goal}: ratio ${goals.bJsonOneRow.ratioMedian} (medians), ${goals.bJsonOneRow.ratioBest} (best runs) → ${goals.bJsonOneRow.verdict}`);
  for (const [k, r] of Object.entries(ratios)) console.log(`${k}: ${JSON.stringify(r)}`);
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
