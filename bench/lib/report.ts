// Markdown tables for the console (and for pasting into BENCHMARKS.md).
import type { CeilingSummary } from './ceiling.js';
import type { CellSummary } from './cells.js';
import { round } from './stats.js';

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
