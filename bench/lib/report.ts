// Markdown tables for the console (and for pasting into BENCHMARKS.md).
import type { CeilingSummary } from './ceiling.js';
import type { CellSummary } from './cells.js';
import type { CodecCost } from './main-thread-cost.js';
import { median, round } from './stats.js';

const f = (x: number | undefined, digits = 3): string => (x === undefined || Number.isNaN(x) ? '–' : String(round(x, digits)));

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const CPU_HEAD = ['main thread CPU % / waiting %', 'main thread µs/req', 'server CPU %', 'client CPU %', 'other jobs CPU %'];

function cpuCells(r: CellSummary): string[] {
  const c = r.cpu;
  return [`${f(c?.mainThreadPct)} / ${f(c?.mainThreadWaitPct)}`, f(c?.mainThreadUsPerRequest), f(c?.serverPct), f(c?.clientPct), f(c?.otherPct)];
}

export function httpTable(runs: readonly CellSummary[]): string {
  return table(
    ['concurrency', 'server', 'rows/s (median)', 'rows/s (best)', 'p50 ms', 'p99 ms', 'mean batch', ...CPU_HEAD, 'errors'],
    runs.map((r) => [String(r.concurrency), r.label, f(r.rowsPerSec, 4), f(r.bestRowsPerSec, 4), f(r.latency.p50Ms), f(r.latency.p99Ms), f(r.server.meanBatchSize), ...cpuCells(r), String(r.failed)]),
  );
}

export function ceilingTable(results: readonly CeilingSummary[]): string {
  return table(
    ['sessions × intra-op threads', 'batch', 'rows/s (median)', 'rows/s (best)', 'run p50 ms', 'run p99 ms', 'other jobs CPU %'],
    results.map((c) => [`${c.sessions} × ${c.intraOpThreads}`, String(c.batch), f(c.rowsPerSec, 4), f(c.bestRowsPerSec, 4), f(c.run.p50Ms), f(c.run.p99Ms), f(c.otherCpuPct)]),
  );
}

export function sweepTable(runs: readonly CellSummary[]): string {
  return table(
    ['concurrency', 'flags', 'rows/request', 'rows/s (median)', 'rows/s (best)', 'p50 ms', 'p99 ms', 'mean batch', 'server ms/request', 'queue ms', 'compute ms/batch', ...CPU_HEAD],
    runs.map((r) => [
      String(r.concurrency),
      r.flags.join(' '),
      String(r.rowsPerRequest),
      f(r.rowsPerSec, 4),
      f(r.bestRowsPerSec, 4),
      f(r.latency.p50Ms),
      f(r.latency.p99Ms),
      f(r.server.meanBatchSize),
      f(r.server.meanRequestMs),
      f(r.server.meanQueueMs),
      f(r.server.meanComputeMs),
      ...cpuCells(r),
    ]),
  );
}

/** One HTTP run and the in-process ceiling measured right after it, at the batch size it formed. */
export interface CeilingPair {
  round: number;
  /** Rows per onnxruntime run: the HTTP run's mean batch, rounded. */
  batch: number;
  httpRowsPerSec: number;
  ceilingRowsPerSec: number;
  ratio: number;
  /** session.run in the server (mean, from /metrics) and in the ceiling (p50), ms per batch. */
  serverComputeMs: number;
  ceilingRunP50Ms: number;
  httpOtherCpuPct?: number;
  ceilingOtherCpuPct?: number;
}

/** An HTTP cell set against the in-process ceiling at the batch sizes the server formed in it. */
export interface CeilingComparison {
  cell: CellSummary;
  pairs: CeilingPair[];
  /** Median of the per-round ratios (each HTTP run ÷ the ceiling measured right after it). */
  ratioMedian: number;
  /** Best HTTP run ÷ best ceiling run at the same batch (pooled over all pairs): the least-disturbed estimate of each. */
  ratioBest: number;
  /** Median ratio of the pairs during which other jobs were quiet; absent when none was. */
  ratioQuiet?: number;
  quietPairs: number;
  verdict: string;
}

/** Multi-row requests (binary tensor data or JSON) against the ceiling at the same batch size. */
export function comparisonTable(rows: readonly CeilingComparison[]): string {
  const med = (xs: number[]): number => median(xs);
  return table(
    ['concurrency', 'encoding', 'rows/request', 'rows/s (median / best)', 'mean batch', 'paired ceiling rows/s (median / best)', 'HTTP ÷ ceiling: best ÷ best / quiet pairs (n) / all pairs', 'session.run ms/batch server / ceiling', 'p50 ms', 'p99 ms', 'main thread µs/req (µs/row)', 'main thread CPU % / waiting %', 'server CPU %', 'client CPU %', 'other jobs CPU % HTTP / ceiling'],
    rows.map(({ cell: r, pairs, ratioMedian, ratioBest, ratioQuiet, quietPairs }) => [
      String(r.concurrency),
      `${r.binary ? 'binary' : 'JSON'}${r.client === 'wrk' ? ' (wrk)' : ''}`,
      String(r.rowsPerRequest),
      `${f(r.rowsPerSec, 4)} / ${f(r.bestRowsPerSec, 4)}`,
      f(r.server.meanBatchSize),
      `${f(med(pairs.map((p) => p.ceilingRowsPerSec)), 4)} / ${f(Math.max(...pairs.map((p) => p.ceilingRowsPerSec)), 4)}`,
      `${f(ratioBest)} / ${f(ratioQuiet)} (${quietPairs}) / ${f(ratioMedian)}`,
      `${f(med(pairs.map((p) => p.serverComputeMs)))} / ${f(med(pairs.map((p) => p.ceilingRunP50Ms)))}`,
      f(r.latency.p50Ms),
      f(r.latency.p99Ms),
      `${f(r.cpu?.mainThreadUsPerRequest)} (${f((r.cpu?.mainThreadUsPerRequest ?? NaN) / r.rowsPerRequest)})`,
      `${f(r.cpu?.mainThreadPct)} / ${f(r.cpu?.mainThreadWaitPct)}`,
      f(r.cpu?.serverPct),
      f(r.cpu?.clientPct),
      `${f(med(pairs.map((p) => p.httpOtherCpuPct ?? NaN)))} / ${f(med(pairs.map((p) => p.ceilingOtherCpuPct ?? NaN)))}`,
    ]),
  );
}

/** Main-thread decode/encode cost per request, JSON against binary tensor data. */
export function codecTable(costs: readonly CodecCost[]): string {
  return table(
    ['rows/request', 'request bytes JSON / binary', 'decode µs JSON / binary', 'reply µs JSON / binary', 'decode µs per row JSON / binary'],
    costs.map((c) => [
      String(c.rows),
      `${c.jsonRequestBytes} / ${c.binaryRequestBytes}`,
      `${f(c.jsonDecodeUs)} / ${f(c.binaryDecodeUs)}`,
      `${f(c.jsonReplyUs)} / ${f(c.binaryReplyUs)}`,
      `${f(c.jsonDecodeUs / c.rows)} / ${f(c.binaryDecodeUs / c.rows)}`,
    ]),
  );
}
