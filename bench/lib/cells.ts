// Side-by-side measurement on a noisy machine: every configuration ("cell") gets its own server,
// all servers stay up (an idle one costs no CPU), and the cells run in rounds, rotating the order
// each round, so slow spells of the machine spread over all cells instead of hitting one. Each
// cell reports its median-throughput round, and its best round: other jobs can only slow a run
// down, so the best of N is the least-disturbed estimate of capacity.
import { runHttp, type HttpRun, type LoadClient } from './http-run.js';
import type { RequestBody } from './load.js';
import { startServer, type ServeOptions, type ServerProcess } from './serve-process.js';

export interface Cell {
  label: string;
  flags: readonly string[];
  concurrency: number;
  /** Default: POST an inference request to CellOptions.path. GET runs bare HTTP on `path`. */
  get?: { path: string };
  /** Rows per inference request (default 1). */
  rowsPerRequest?: number;
  /** Binary tensor data in and out instead of JSON (default false). */
  binary?: boolean;
  /** The load generator (default 'node', see http-run.ts). */
  client?: LoadClient;
}

export interface CellOptions {
  serve: Omit<ServeOptions, 'flags'>;
  path: string;
  /** Pre-serialised request bodies carrying `rows` rows each, as JSON or as binary tensor data. */
  bodies: (rows: number, binary: boolean) => readonly RequestBody[];
  warmupMs: number;
  measureMs: number;
  rounds: number;
  onRun?: (r: HttpRun) => void;
  /** Runs right after each HTTP run, before the next: e.g. a paired measurement under the same
   *  machine load. `cell` is the object given in `cells`. */
  afterRun?: (r: HttpRun, cell: Cell, round: number) => Promise<void>;
}

/** A cell's median-throughput round, plus the spread over rounds. */
export type CellSummary = HttpRun & { bestRowsPerSec: number; roundsRowsPerSec: number[] };

export interface CellResults {
  /** One per cell, in the order given. */
  summaries: CellSummary[];
  all: HttpRun[];
}

export async function runCells(cells: readonly Cell[], o: CellOptions): Promise<CellResults> {
  const servers = new Map<string, ServerProcess>();
  const all: HttpRun[][] = cells.map(() => []);
  try {
    for (const c of cells) {
      const key = c.flags.join(' ');
      if (!servers.has(key)) servers.set(key, await startServer({ ...o.serve, flags: c.flags }));
    }
    for (let round = 0; round < o.rounds; round++) {
      for (let k = 0; k < cells.length; k++) {
        const i = (k + round) % cells.length;
        const c = cells[i]!;
        const server = servers.get(c.flags.join(' '))!;
        const rowsPerRequest = c.rowsPerRequest ?? 1;
        const binary = c.binary ?? false;
        const request = c.get ? { method: 'GET' as const, path: c.get.path, bodies: [] } : { path: o.path, bodies: o.bodies(rowsPerRequest, binary), rowsPerRequest, binary };
        const r = await runHttp({ label: c.label, server, ...request, concurrency: c.concurrency, warmupMs: o.warmupMs, measureMs: o.measureMs, client: c.client ?? 'node' });
        all[i]!.push(r);
        o.onRun?.(r);
        await o.afterRun?.(r, c, round);
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
  return { summaries: all.map(summarizeCell), all: all.flat() };
}

function summarizeCell(runs: readonly HttpRun[]): CellSummary {
  const sorted = [...runs].sort((a, b) => a.rowsPerSec - b.rowsPerSec);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...median, bestRowsPerSec: sorted[sorted.length - 1]!.rowsPerSec, roundsRowsPerSec: runs.map((r) => Math.round(r.rowsPerSec)) };
}
