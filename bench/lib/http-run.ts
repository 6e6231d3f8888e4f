// One measured HTTP run against a running model server: closed-loop load, plus what the server
// itself says happened in the same window (its /metrics) and where the machine's CPU time went
// (/proc): the server's main thread, the whole server, this load generator, and everyone else.
// The load comes from this process (load.ts, Node's HTTP client) or from wrk (wrk-load.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClosedLoop, type RequestBody, type SampleReply } from './load.js';
import { scrape, windowMetrics, type MetricTotals, type WindowMetrics } from './server-metrics.js';
import { machineBusyMs, processCpu, type ProcessCpu, type ServerProcess } from './serve-process.js';
import { round, summarize, type LatencySummary } from './stats.js';
import { childrenCpuMs, prepareBodies, runWrk } from './wrk-load.js';

/** Who generates the load: Node's HTTP client in this process, or wrk (C) in a child process. */
export type LoadClient = 'node' | 'wrk';

/** Where CPU went during the window. Percentages are of one core (200 % = two cores busy). */
export interface CpuSplit {
  serverPct: number;
  /** The server's main thread: HTTP, JSON, batching. */
  mainThreadPct: number;
  /** % of the window the main thread was ready to run but had no CPU (others held both cores). */
  mainThreadWaitPct: number;
  /** Main-thread CPU per request, µs: the per-request cost of the server's serial part. */
  mainThreadUsPerRequest: number;
  /** The load generator: this process, plus wrk when it generates the load. */
  clientPct: number;
  clientUsPerRequest: number;
  /** Everything else on the machine (other users' jobs): the noise this run suffered. */
  otherPct: number;
}

export interface HttpRun {
  label: string;
  flags: readonly string[];
  concurrency: number;
  /** Rows (batch dimension) in each request; 1 unless a run says otherwise. */
  rowsPerRequest: number;
  /** Tensors sent and received as binary tensor data (Inference-Header-Content-Length), not JSON. */
  binary: boolean;
  client: LoadClient;
  rowsPerSec: number;
  latency: LatencySummary;
  failed: number;
  firstError?: string;
  server: WindowMetrics;
  /** Absent where /proc is not available. */
  cpu?: CpuSplit;
}

export interface HttpRunOptions {
  label: string;
  server: ServerProcess;
  /** POST an inference request (default), or GET a no-op endpoint to time bare HTTP. */
  method?: 'GET' | 'POST';
  path: string;
  bodies: readonly RequestBody[];
  /** Rows each body carries (default 1). */
  rowsPerRequest?: number;
  /** The bodies use binary tensor data and ask for binary logits (default false). */
  binary?: boolean;
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** Default 'node'. wrk sends POSTs only. */
  client?: LoadClient;
}

interface Snapshot {
  metrics: MetricTotals;
  server?: ProcessCpu;
  client?: ProcessCpu;
  machineMs?: number;
}

async function snapshot(server: ServerProcess, withChildren = false): Promise<Snapshot> {
  const own = processCpu(process.pid);
  // wrk's CPU shows in this process's children times once it has exited (and been waited for).
  const client = own !== undefined && withChildren ? { ...own, totalMs: own.totalMs + childrenCpuMs() } : own;
  const cpu = { server: processCpu(server.pid), client, machineMs: machineBusyMs() };
  return { ...cpu, metrics: await scrape(server.port) };
}

function cpuSplit(a: Snapshot, b: Snapshot, windowMs: number, requests: number): CpuSplit | undefined {
  if (!a.server || !b.server || !a.client || !b.client || a.machineMs === undefined || b.machineMs === undefined) return undefined;
  const serverMs = b.server.totalMs - a.server.totalMs;
  const mainMs = b.server.mainMs - a.server.mainMs;
  const clientMs = b.client.totalMs - a.client.totalMs;
  const pct = (ms: number): number => round((ms / windowMs) * 100);
  const perRequest = (ms: number): number => round((ms * 1000) / Math.max(1, requests));
  return {
    serverPct: pct(serverMs),
    mainThreadPct: pct(mainMs),
    mainThreadWaitPct: pct(b.server.mainWaitMs - a.server.mainWaitMs),
    mainThreadUsPerRequest: perRequest(mainMs),
    clientPct: pct(clientMs),
    clientUsPerRequest: perRequest(clientMs),
    otherPct: pct(b.machineMs - a.machineMs - serverMs - clientMs),
  };
}

export async function runHttp(o: HttpRunOptions): Promise<HttpRun> {
  if (o.client === 'wrk') return runHttpWrk(o);
  let start: Snapshot = { metrics: new Map() };
  let end: Snapshot = { metrics: new Map() };
  const load = await runClosedLoop({
    port: o.server.port,
    method: o.method ?? 'POST',
    path: o.path,
    bodies: o.bodies,
    concurrency: o.concurrency,
    warmupMs: o.warmupMs,
    measureMs: o.measureMs,
    onWindowStart: async () => {
      start = await snapshot(o.server);
    },
    onWindowEnd: async () => {
      end = await snapshot(o.server);
    },
  });
  const rows = o.rowsPerRequest ?? 1;
  if (load.sample !== undefined && o.method !== 'GET') checkReply(load.sample, rows, o.binary ?? false);
  const cpu = cpuSplit(start, end, load.windowMs, load.completed);
  return {
    label: o.label,
    flags: o.server.flags,
    concurrency: o.concurrency,
    rowsPerRequest: rows,
    binary: o.binary ?? false,
    client: 'node',
    rowsPerSec: (load.completed * rows) / (load.windowMs / 1000),
    latency: summarize(load.latenciesMs),
    failed: load.failed,
    ...(load.firstError !== undefined ? { firstError: load.firstError } : {}),
    server: windowMetrics(start.metrics, end.metrics),
    ...(cpu ? { cpu } : {}),
  };
}

/** wrk's files for each body set, written once. */
const wrkDirs = new Map<readonly RequestBody[], string>();

/** Removes the files wrk runs read their bodies from. */
export function removeWrkFiles(): void {
  for (const dir of wrkDirs.values()) rmSync(dir, { recursive: true, force: true });
  wrkDirs.clear();
}

/** The same run with wrk as the load generator: a warm-up run, then the measured one between two snapshots. */
async function runHttpWrk(o: HttpRunOptions): Promise<HttpRun> {
  if (o.method === 'GET') throw new Error('wrk runs here send inference POSTs only');
  let dir = wrkDirs.get(o.bodies);
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'meridian-bench-wrk-'));
    prepareBodies(dir, o.bodies);
    wrkDirs.set(o.bodies, dir);
  }
  const wrk = { port: o.server.port, path: o.path, dir, count: o.bodies.length, concurrency: o.concurrency };
  if (o.warmupMs > 0) await runWrk({ ...wrk, seconds: o.warmupMs / 1000 });
  const start = await snapshot(o.server, true);
  const wallStart = performance.now();
  const load = await runWrk({ ...wrk, seconds: o.measureMs / 1000 });
  const wallMs = performance.now() - wallStart;
  const end = await snapshot(o.server, true);
  const rows = o.rowsPerRequest ?? 1;
  const cpu = cpuSplit(start, end, wallMs, load.completed);
  return {
    label: o.label,
    flags: o.server.flags,
    concurrency: o.concurrency,
    rowsPerRequest: rows,
    binary: o.binary ?? false,
    client: 'wrk',
    rowsPerSec: (load.completed * rows) / (load.windowMs / 1000),
    latency: load.latency,
    failed: load.failed,
    ...(load.firstError !== undefined ? { firstError: load.firstError } : {}),
    server: windowMetrics(start.metrics, end.metrics),
    ...(cpu ? { cpu } : {}),
  };
}

/** The reply must be the logits of the rows sent, in the form asked for; otherwise we would be timing something else. */
function checkReply(sample: SampleReply, rows: number, binary: boolean): void {
  const declared = sample.headers['inference-header-content-length'];
  const jsonLength = declared === undefined ? sample.body.length : Number(declared);
  const text = sample.body.toString('utf8', 0, jsonLength);
  const reply = JSON.parse(text) as { outputs?: { name?: string; shape?: number[]; data?: unknown[]; parameters?: { binary_data_size?: number } }[] };
  const out = reply.outputs?.[0];
  const values = binary ? (out?.parameters?.binary_data_size ?? 0) / 4 : out?.data?.length;
  const binaryBytes = sample.body.length - jsonLength;
  if (out?.name !== 'logits' || out.shape?.join(',') !== `${rows},10` || values !== rows * 10 || binaryBytes !== (binary ? rows * 40 : 0)) {
    throw new Error(`unexpected inference reply (${binaryBytes} binary bytes): ${text.slice(0, 300)}`);
  }
}
