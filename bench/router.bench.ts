// bench:router — the Meridian router (`meridian router --no-latency-emulation`) against HAProxy 2.6
// (Debian's package) and against no proxy, in front of the same two backends, on POST
// /v2/models/iris/infer. Each proxy runs alone on core 1 (`taskset -c 1`; HAProxy `nbthread 1`);
// the load generators, the backends and this process run on core 0. A fourth target, `node
// proxy` (bench/lib/router-bench-node-proxy.ts), is a reference floor, not a contender: the least a
// node:http proxy does per request, so the router's cost splits into "node:http" and "features".
// Two backend kinds:
//  - trivial: two tiny raw-socket servers answering a fixed iris response (bench/lib/router-bench-
//    backend.ts): measures the proxies, not inference;
//  - iris: two real `meridian serve` processes of models/iris-v2.onnx (server defaults).
// Phase 1 (saturation): closed-loop wrk with keep-alive at each connection count; a target's
// saturation throughput is its best connection count's median over rounds. Proxy CPU per request
// comes from /proc, so the cost of each proxy is known even when other jobs take part of its core.
// Phase 2 (added latency): open loop (`meridian load`'s scheduler and sender) at half of HAProxy's
// saturation rate through each target (the goal), and also at half of the router's own when that
// is lower; added p50/p99 = target − no proxy in the same round, median over rounds.
// Targets run in rotating order inside every round. Phase 3: a --cpu-prof of a router at
// saturation on the trivial backends, summarised (where the router's core goes).
// Router, model servers and helpers run from a private copy of dist/ taken at start.
//
// Env: BENCH_SECONDS (measured window per run, default 5), BENCH_WARMUP_SECONDS (discarded run
// before each, default 1; wrk rounds both to whole seconds), BENCH_ROUNDS (default 3),
// BENCH_CONNECTIONS (wrk connections, default "16,64"), BENCH_BACKENDS (default "trivial,iris"),
// BENCH_BALANCE (HAProxy: leastconn | roundrobin, default leastconn), BENCH_PROFILE (0 skips phase
// 3), BENCH_PROFILE_SECONDS (default 10), BENCH_MAX_OPEN_RPS (cap on open-loop rates: what the
// Node generator sustains on the shared load core, default 5000), BENCH_KEEP_TMP=1 (keep the temp dir with the HAProxy
// configs and the raw .cpuprofile), BENCH_TAG (results go to router-<date>-<tag>.json, so a
// second run of the day keeps the first). ~15 min with the defaults.
// Quick check: BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=1 BENCH_ROUNDS=1 BENCH_CONNECTIONS=32 BENCH_PROFILE_SECONDS=2
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RoutingTable } from '../src/core/routing-table.js';
import { ENGINE_DEFAULTS } from '../src/router/engine/settings.js';
import { snapshotDist, type DistSnapshot } from './lib/dist-snapshot.js';
import { haproxyConfig } from './lib/haproxy-router-config.js';
import { cpuSnapshot, cpuWindow, type CpuWindow } from './lib/router-bench-cpu.js';
import { runOpenLoop, type OpenLoopResult } from './lib/router-bench-openloop.js';
import {
  TableServer,
  ensureTools,
  freePort,
  jsonEventPort,
  killAllRouterBenchChildren,
  pinProcess,
  startHaproxy,
  startPinned,
  startRouter,
  startTrivialBackend,
  waitForHttp,
  writeFileIn,
  type Child,
} from './lib/router-bench-procs.js';
import { counterDelta, routerCounters, type Counters } from './lib/router-bench-metrics.js';
import { summarizeProfile, type ProfileSummary } from './lib/router-bench-profile.js';
import { latencyTable, saturationTable, type LatencyRow, type SaturationRow } from './lib/router-bench-report.js';
import { runWrk, type WrkResult } from './lib/router-bench-wrk.js';
import { killAllStarted, startServer } from './lib/serve-process.js';
import { median, round } from './lib/stats.js';
import { envNumber, writeResults } from './lib/bench-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Router, model servers and backends start from a private copy of dist/ (others rebuild it meanwhile). */
let CLI = resolve(ROOT, 'dist/src/bin/meridian.js');
let BACKEND_SCRIPT = resolve(ROOT, 'dist/bench/lib/router-bench-backend.js');
let NODE_PROXY_SCRIPT = resolve(ROOT, 'dist/bench/lib/router-bench-node-proxy.js');
const IRIS_MODEL = resolve(ROOT, 'models/iris-v2.onnx');
const LOAD_CORE = 0;
const PROXY_CORE = 1;
const INFER_PATH = '/v2/models/iris/infer';
const READY_PATH = '/v2/models/iris/versions/v2/ready';
const BODY = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] });
const REPLICAS = 2;
const WRK_THREADS = 2;
const REGION = 'eu-central-1';
const GOAL_THROUGHPUT_RATIO = 0.5;
const GOAL_ADDED_P50_MS = 1;

type BackendKind = 'trivial' | 'iris';
/** `node proxy` is a reference floor, not a contender: router-bench-node-proxy.ts. */
type TargetName = 'no proxy' | 'haproxy' | 'router' | 'node proxy';
const TARGETS: TargetName[] = ['no proxy', 'haproxy', 'router', 'node proxy'];

function readConfig() {
  const connections = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c < WRK_THREADS || c % WRK_THREADS !== 0)) throw new Error(`BENCH_CONNECTIONS: whole even numbers ≥ ${WRK_THREADS}, e.g. 16,64`);
  const backends = (process.env.BENCH_BACKENDS ?? 'trivial,iris').split(',');
  if (backends.length === 0 || backends.some((b) => b !== 'trivial' && b !== 'iris')) throw new Error('BENCH_BACKENDS: trivial and/or iris, e.g. trivial,iris');
  const rawBalance = process.env.BENCH_BALANCE ?? 'leastconn';
  if (rawBalance !== 'leastconn' && rawBalance !== 'roundrobin') throw new Error('BENCH_BALANCE: leastconn or roundrobin');
  const balance: 'leastconn' | 'roundrobin' = rawBalance;
  return {
    measureSeconds: envNumber('BENCH_SECONDS', 5, 0.5),
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 1, 0),
    rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
    connections,
    backends: backends as BackendKind[],
    balance,
    profile: process.env.BENCH_PROFILE !== '0',
    profileSeconds: envNumber('BENCH_PROFILE_SECONDS', 10, 1),
    /** The open-loop generator (Node, one thread, sharing core 0 with the backends) keeps its schedule up to about this rate here. */
    maxOpenLoopRps: envNumber('BENCH_MAX_OPEN_RPS', 5000, 1),
    wrkThreads: WRK_THREADS,
    replicas: REPLICAS,
    loadCore: LOAD_CORE,
    proxyCore: PROXY_CORE,
    path: INFER_PATH,
    body: BODY,
  };
}
type Config = ReturnType<typeof readConfig>;

function machine() {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model ?? 'unknown', logicalCpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvgAtStart: os.loadavg().map((l) => round(l)) };
}

/** Which sources were measured: the commit, and whether src/ had uncommitted changes. */
function sourceInfo(): { commit: string; dirtySrcFiles: string[] } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l !== '').map((l) => l.slice(3));
    return { commit, dirtySrcFiles: dirty };
  } catch {
    return { commit: process.env.BENCH_SOURCE_COMMIT ?? 'unknown (not a git checkout)', dirtySrcFiles: [] };
  }
}

function routingTable(ports: number[]): RoutingTable {
  return {
    revision: 1,
    generatedAt: new Date().toISOString(),
    models: {
      iris: {
        policy: { type: 'latency' },
        residency: null,
        regions: [
          {
            region: REGION,
            latitude: 50.11,
            longitude: 8.68,
            jurisdiction: 'EU',
            country: 'DE',
            continent: 'EU',
            versions: [{ version: 'v2', weight: 1, endpoints: ports.map((p, i) => ({ id: `${REGION}/iris:v2/${i}`, zone: `${REGION}${'abc'[i % 3]}`, url: `http://127.0.0.1:${p}` })) }],
          },
        ],
      },
    },
  };
}

/** The processes of one backend kind: its backends and the two proxies in front of them. */
interface Setup {
  kind: BackendKind;
  backends: { pid: number; port: number; stop: () => Promise<unknown> }[];
  haproxy: Child;
  router: Child;
  nodeProxy: Child;
  tables: TableServer;
  haproxyConfig: string;
  table: RoutingTable;
}

async function startBackends(kind: BackendKind): Promise<Setup['backends']> {
  const out: Setup['backends'] = [];
  for (let i = 0; i < REPLICAS; i++) {
    if (kind === 'trivial') out.push(await startTrivialBackend(BACKEND_SCRIPT, LOAD_CORE, `trivial-${i}`));
    // Inherits this process's pinning to the load core.
    else out.push(await startServer({ cliPath: CLI, modelPath: IRIS_MODEL, name: 'iris', flags: ['--version', 'v2'] }));
  }
  return out;
}

/** POSTs the body until a 200 with an OIP answer (the router needs its table and a healthy upstream). */
async function waitForInfer(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}${INFER_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      const text = await r.text();
      if (r.status === 200 && text.includes('"outputs"')) return;
      last = `HTTP ${r.status}: ${text.slice(0, 200)}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no inference answer on port ${port} within ${timeoutMs} ms (last: ${last})`);
}

/** A router on the proxy core, fed by `apiUrl`; ready once it answered an inference request. */
async function startBenchRouter(apiUrl: string, dir: string, name: string, routerFlags: string[] = []): Promise<Child> {
  const home = join(dir, `home-${name}`);
  mkdirSync(home, { recursive: true });
  return startRouter({
    cliPath: CLI,
    core: PROXY_CORE,
    apiUrl,
    home,
    nodeFlags: routerFlags,
    name,
    probe: async (p) => {
      await waitForHttp(`http://127.0.0.1:${p}/v2/health/ready`, 15_000);
      await waitForInfer(p, 15_000);
    },
  });
}

/**
 * Waits until the proxies and backends are idle (together < 5 % of a core over 300 ms; at most
 * 30 s): an overloaded run leaves a backlog that a proxy keeps working through after its clients
 * gave up, and the next run must not share the proxy core with it. Returns the ms waited.
 */
async function quiesce(s: Setup): Promise<number> {
  const pids = [s.haproxy.pid, s.router.pid, s.nodeProxy.pid, ...s.backends.map((b) => b.pid)];
  const t0 = performance.now();
  while (performance.now() - t0 < 30_000) {
    const a = cpuSnapshot({ all: pids });
    await new Promise((r) => setTimeout(r, 300));
    if ((cpuWindow(a, cpuSnapshot({ all: pids })).procPct.all ?? 0) < 5) break;
  }
  return Math.round(performance.now() - t0);
}

async function startSetup(kind: BackendKind, dir: string, balance: Config['balance'], routerFlags: string[] = [], name: string = kind): Promise<Setup> {
  const backends = await startBackends(kind);
  const table = routingTable(backends.map((b) => b.port));
  const tables = new TableServer(table);
  await tables.start();
  const port = await freePort();
  const cfg = haproxyConfig({
    port,
    backends: backends.map((b, i) => ({ name: `s${i}`, port: b.port })),
    balance,
    checkPath: READY_PATH,
    checkIntervalMs: ENGINE_DEFAULTS.healthIntervalMs,
    fall: ENGINE_DEFAULTS.healthUnhealthyThreshold,
    rise: ENGINE_DEFAULTS.healthHealthyThreshold,
    maxconn: 4096,
  });
  const haproxy = await startHaproxy(writeFileIn(dir, `haproxy-${name}.cfg`, cfg), port, PROXY_CORE, READY_PATH);
  await waitForInfer(haproxy.port, 15_000);
  const router = await startBenchRouter(tables.url, dir, name, routerFlags);
  const nodeProxy = await startPinned({ core: PROXY_CORE, command: process.execPath, args: [NODE_PROXY_SCRIPT, '0', ...backends.map((b) => String(b.port))], readyPort: jsonEventPort('proxy.ready'), name: 'node proxy' });
  await waitForInfer(nodeProxy.port, 15_000);
  return { kind, backends, haproxy, router, nodeProxy, tables, haproxyConfig: cfg, table };
}

async function stopSetup(s: Setup): Promise<void> {
  await Promise.all([s.router.stop(), s.haproxy.stop(), s.nodeProxy.stop()]);
  await s.tables.stop();
  await Promise.all(s.backends.map((b) => b.stop()));
}

function targetPorts(s: Setup, t: TargetName): number[] {
  if (t === 'haproxy') return [s.haproxy.port];
  if (t === 'router') return [s.router.port];
  if (t === 'node proxy') return [s.nodeProxy.port];
  return s.backends.map((b) => b.port);
}

function targetPid(s: Setup, t: TargetName): number[] {
  return t === 'haproxy' ? [s.haproxy.pid] : t === 'router' ? [s.router.pid] : t === 'node proxy' ? [s.nodeProxy.pid] : [];
}

/** Round r's order: the targets rotated by r, so each runs first, second and last in turn. */
function rotated<T>(xs: readonly T[], r: number): T[] {
  const k = r % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

interface SaturationRun {
  phase: 'saturation';
  /** How long the bench waited for the proxies and backends to go idle before this run. */
  quiescedMs: number;
  round: number;
  backend: BackendKind;
  target: TargetName;
  connections: number;
  rps: number;
  errors: WrkResult['errors'];
  latencyMs: WrkResult['latencyMs'];
  cpu: CpuWindow & { proxyUsPerRequest: number | null; otherOnProxyCorePct: number | null };
  /** The router's counters over the measured window (router runs only). */
  routerCounters?: Counters;
}

/** Whose saturation the open-loop rate is half of. */
type RateBasis = 'haproxy' | 'router';

interface LatencyRun {
  phase: 'latency';
  quiescedMs: number;
  /** Router runs: the router was restarted just before (no state from an earlier overloaded run). */
  freshRouter: boolean;
  basis: RateBasis;
  round: number;
  backend: BackendKind;
  target: TargetName;
  result: OpenLoopResult;
  cpu: CpuWindow & { proxyUsPerRequest: number | null; otherOnProxyCorePct: number | null };
  routerCounters?: Counters;
}

/** Upstream attempts (every role: primary, retry, hedge) and hedges per answered request, from the router's counters. */
function upstreamShare(c: Counters | undefined, requests: number): { attemptsPerRequest: number; hedgesPerRequest: number } | undefined {
  if (c === undefined || requests === 0) return undefined;
  let attempts = 0;
  for (const [k, v] of Object.entries(c)) if (k.startsWith('meridian_router_upstream_attempts_total')) attempts += v;
  return { attemptsPerRequest: round(attempts / requests), hedgesPerRequest: round((c.meridian_router_hedges_total ?? 0) / requests) };
}

/** The router's counters before a run, and a function giving the delta after it; no-ops for other targets. */
async function countersAround(s: Setup, t: TargetName): Promise<() => Promise<{ routerCounters?: Counters }>> {
  if (t !== 'router') return () => Promise.resolve({});
  const before = await routerCounters(s.router.port);
  return async () => ({ routerCounters: counterDelta(before, await routerCounters(s.router.port)) });
}

function cpuGroups(s: Setup, t: TargetName, extra: Record<string, number[]> = {}): Record<string, number[]> {
  return { proxy: targetPid(s, t), backends: s.backends.map((b) => b.pid), bench: [process.pid], ...extra };
}

function withProxyCost(w: CpuWindow, t: TargetName, requests: number, seconds: number) {
  const proxyPct = w.procPct.proxy ?? 0;
  return {
    ...w,
    proxyUsPerRequest: t === 'no proxy' || requests === 0 ? null : round((proxyPct / 100) * seconds * 1e6 / requests),
    otherOnProxyCorePct: t === 'no proxy' ? null : round(Math.max(0, (w.corePct[PROXY_CORE] ?? 0) - proxyPct)),
  };
}

async function saturationRun(cfg: Config, s: Setup, t: TargetName, connections: number, round_: number, dir: string): Promise<SaturationRun> {
  const base = { core: LOAD_CORE, dir, ports: targetPorts(s, t), path: INFER_PATH, body: BODY, threads: WRK_THREADS, connections, timeoutSeconds: 5 };
  const quiescedMs = await quiesce(s);
  if (cfg.warmupSeconds > 0) await runWrk({ ...base, seconds: cfg.warmupSeconds });
  const counters = await countersAround(s, t);
  let before = cpuSnapshot(cpuGroups(s, t));
  const res = await runWrk({ ...base, seconds: cfg.measureSeconds }, () => {
    before = cpuSnapshot(cpuGroups(s, t));
  });
  const after = cpuSnapshot(cpuGroups(s, t));
  const w = cpuWindow(before, after);
  const bad = res.errors.connect + res.errors.read + res.errors.write + res.errors.status + res.errors.timeout;
  if (bad > 0) console.log(`  warning: ${s.kind}/${t} c=${connections}: ${JSON.stringify(res.errors)}`);
  return { phase: 'saturation', quiescedMs, round: round_, backend: s.kind, target: t, connections, rps: round(res.rps), errors: res.errors, latencyMs: roundAll(res.latencyMs), cpu: withProxyCost(w, t, res.requests, res.durationUs / 1e6), ...(await counters()) };
}

async function latencyRun(cfg: Config, s: Setup, t: TargetName, basis: RateBasis, rps: number, round_: number, dir: string): Promise<LatencyRun> {
  // The router adapts to what it saw (latency windows behind hedging and per-try timeouts, outlier
  // ejections lasting 30 s and more): a run where it was overloaded would carry over into the next.
  // Every router latency run starts from a fresh process, as a restarted router would.
  if (t === 'router') {
    await s.router.stop();
    s.router = await startBenchRouter(s.tables.url, dir, `${s.kind}-r${round_}-${basis}`);
  }
  const quiescedMs = await quiesce(s);
  let before = cpuSnapshot(cpuGroups(s, t));
  let counters: () => Promise<{ routerCounters?: Counters }> = () => Promise.resolve({});
  const result = await runOpenLoop(
    { urls: targetPorts(s, t).map((p) => `http://127.0.0.1:${p}${INFER_PATH}`), body: Buffer.from(BODY), rps, warmupMs: cfg.warmupSeconds * 1000, measureMs: cfg.measureSeconds * 1000, timeoutMs: 5000 },
    () => {
      before = cpuSnapshot(cpuGroups(s, t));
      // Started here, read after the run: the window includes the requests still in flight at its end.
      void countersAround(s, t).then((c) => (counters = c));
    },
  );
  const w = cpuWindow(before, cpuSnapshot(cpuGroups(s, t)));
  return { phase: 'latency', quiescedMs, freshRouter: t === 'router', basis, round: round_, backend: s.kind, target: t, result: { ...result, achievedRps: round(result.achievedRps), latencyMs: roundAll(result.latencyMs), sendLagMs: roundAll(result.sendLagMs) }, cpu: withProxyCost(w, t, result.ok, cfg.measureSeconds), ...(await counters()) };
}

function roundAll<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)])) as T;
}

/** Phase 3: a router started with --cpu-prof, driven to saturation, stopped; the profile summarised. */
async function profileRouter(cfg: Config, dir: string, connections: number): Promise<{ summary: ProfileSummary; wrk: WrkResult; cpuPct: number; profileFile: string } | undefined> {
  const profDir = join(dir, 'profile');
  mkdirSync(profDir, { recursive: true });
  const s = await startSetup('trivial', dir, cfg.balance, ['--cpu-prof', `--cpu-prof-dir=${profDir}`], 'trivial-profiled');
  try {
    const base = { core: LOAD_CORE, dir, ports: [s.router.port], path: INFER_PATH, body: BODY, threads: WRK_THREADS, connections, timeoutSeconds: 5 };
    // Everything the profiled process forwarded counts, warm-up included: the profile covers its whole life.
    const warm = await runWrk({ ...base, seconds: cfg.warmupSeconds > 0 ? cfg.warmupSeconds : 1 });
    const before = cpuSnapshot({ proxy: [s.router.pid] });
    const res = await runWrk({ ...base, seconds: cfg.profileSeconds });
    const w = cpuWindow(before, cpuSnapshot({ proxy: [s.router.pid] }));
    await s.router.stop();
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) {
      console.log('  the profiled router wrote no .cpuprofile');
      return undefined;
    }
    const profileFile = join(profDir, file);
    return { summary: summarizeProfile(profileFile, warm.requests + res.requests), wrk: res, cpuPct: w.procPct.proxy ?? 0, profileFile };
  } finally {
    await stopSetup(s);
  }
}

function verdict(ok: boolean): 'PASS' | 'FAIL' {
  return ok ? 'PASS' : 'FAIL';
}

async function main(): Promise<void> {
  const cfg = readConfig();
  const info = machine();
  const date = new Date().toISOString();
  const log = (s: string): void => console.log(s);
  const tools = ensureTools(log);
  const source = sourceInfo();
  const snapshot: DistSnapshot = snapshotDist(ROOT);
  CLI = snapshot.cliPath;
  BACKEND_SCRIPT = join(snapshot.dir, 'router-bench-backend.js');
  copyFileSync(resolve(ROOT, 'dist/bench/lib/router-bench-backend.js'), BACKEND_SCRIPT);
  NODE_PROXY_SCRIPT = join(snapshot.dir, 'router-bench-node-proxy.js');
  copyFileSync(resolve(ROOT, 'dist/bench/lib/router-bench-node-proxy.js'), NODE_PROXY_SCRIPT);
  if (os.cpus().length < 2) throw new Error('bench:router needs 2 cores: one for the proxy, one for the load generator and backends');
  // Children (backends, wrk) inherit this pinning; proxies are started with taskset -c 1.
  pinProcess(process.pid, LOAD_CORE);
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-router-'));
  log(`bench:router — ${cfg.rounds} round(s), ${cfg.warmupSeconds} s warm-up + ${cfg.measureSeconds} s per run, wrk ${cfg.wrkThreads} threads × connections ${cfg.connections.join('/')}, backends ${cfg.backends.join(', ')}; ${tools.haproxy}; ${tools.wrk}`);

  const setups: Setup[] = [];
  const saturation: SaturationRun[] = [];
  const latency: LatencyRun[] = [];
  let profile: Awaited<ReturnType<typeof profileRouter>>;
  try {
    for (const kind of cfg.backends) setups.push(await startSetup(kind, dir, cfg.balance));

    // Phase 1: saturation.
    for (let r = 0; r < cfg.rounds; r++) {
      for (const s of setups) {
        for (const c of cfg.connections) {
          for (const t of rotated(TARGETS, r + cfg.connections.indexOf(c))) {
            const run = await saturationRun(cfg, s, t, c, r, dir);
            saturation.push(run);
            const up = upstreamShare(run.routerCounters, run.rps * cfg.measureSeconds);
            log(`  saturation r${r} ${s.kind} ${t} c=${c}: ${run.rps} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, proxy ${run.cpu.procPct.proxy ?? '-'} % (${run.cpu.proxyUsPerRequest ?? '-'} µs/req), cores ${run.cpu.corePct.join('/')} %${up ? `, upstream attempts/req ${up.attemptsPerRequest}, hedges/req ${up.hedgesPerRequest}` : ''}`);
          }
        }
      }
    }
    const satOf = (kind: BackendKind, t: TargetName): { rps: number; connections: number } => {
      const perC = cfg.connections.map((c) => ({ connections: c, rps: median(saturation.filter((x) => x.backend === kind && x.target === t && x.connections === c).map((x) => x.rps)) }));
      return perC.reduce((a, b) => (b.rps > a.rps ? b : a));
    };

    // Phase 2: added latency at half of HAProxy's saturation rate (the goal), and at half of the
    // router's own when that is clearly lower (the router overloaded at HAProxy's rate says
    // nothing about the latency it adds when it is not).
    const halfOf = (kind: BackendKind, basis: RateBasis): number => Math.max(1, Math.round(satOf(kind, basis).rps / 2));
    const rateOf = (kind: BackendKind, basis: RateBasis): number => Math.min(cfg.maxOpenLoopRps, halfOf(kind, basis));
    // The lower rate first in each round: it never overloads anything.
    const bases = (kind: BackendKind): RateBasis[] => (rateOf(kind, 'router') < 0.8 * rateOf(kind, 'haproxy') ? ['router', 'haproxy'] : ['haproxy']);
    for (let r = 0; r < cfg.rounds; r++) {
      for (const s of setups) {
        for (const basis of bases(s.kind)) {
          for (const t of rotated(TARGETS, r)) {
            const run = await latencyRun(cfg, s, t, basis, rateOf(s.kind, basis), r, dir);
            latency.push(run);
            const fails = Object.entries(run.result.failures).map(([k, v]) => `${k}×${v}`).join(' ');
            const up = upstreamShare(run.routerCounters, run.result.ok);
            log(`  latency r${r} ${s.kind} ${t} @${run.result.rps}/s (½ ${basis}): p50 ${run.result.latencyMs.p50} ms, p99 ${run.result.latencyMs.p99} ms, ok ${run.result.ok}/${run.result.scheduled}${fails ? ` (${fails})` : ''}, send lag p99 ${run.result.sendLagMs.p99} ms, proxy ${run.cpu.procPct.proxy ?? '-'} %${up ? `, upstream attempts/req ${up.attemptsPerRequest}, hedges/req ${up.hedgesPerRequest}` : ''}`);
          }
        }
      }
    }

    for (const s of setups.splice(0)) await stopSetup(s);

    // Phase 3: where the router's core goes.
    if (cfg.profile && cfg.backends.includes('trivial')) {
      const c = satOf('trivial', 'router').connections;
      profile = await profileRouter(cfg, dir, c);
    }

    // Summaries and verdicts.
    const satRows: SaturationRow[] = [];
    const latRows: LatencyRow[] = [];
    const goals: Record<string, unknown> = {};
    for (const kind of cfg.backends) {
      const sat = Object.fromEntries(TARGETS.map((t) => [t, satOf(kind, t)])) as Record<TargetName, { rps: number; connections: number }>;
      for (const t of TARGETS) {
        const runs = saturation.filter((x) => x.backend === kind && x.target === t && x.connections === sat[t].connections);
        satRows.push({
          backend: kind,
          target: t,
          connections: sat[t].connections,
          rpsMedian: round(sat[t].rps),
          rpsBest: round(Math.max(...runs.map((x) => x.rps))),
          vsHaproxy: round(sat[t].rps / sat.haproxy.rps),
          vsNoProxy: round(sat[t].rps / sat['no proxy'].rps),
          p50Ms: round(median(runs.map((x) => x.latencyMs.p50))),
          p99Ms: round(median(runs.map((x) => x.latencyMs.p99))),
          proxyCpuPct: t === 'no proxy' ? null : round(median(runs.map((x) => x.cpu.procPct.proxy ?? 0))),
          proxyUsPerRequest: t === 'no proxy' ? null : round(median(runs.map((x) => x.cpu.proxyUsPerRequest ?? 0))),
          perCoreRps: t === 'no proxy' ? null : round(1e6 / median(runs.map((x) => x.cpu.proxyUsPerRequest ?? Infinity))),
          otherOnProxyCorePct: t === 'no proxy' ? null : round(median(runs.map((x) => x.cpu.otherOnProxyCorePct ?? 0))),
          loadCorePct: round(median(runs.map((x) => x.cpu.corePct[LOAD_CORE] ?? 0))),
        });
      }
      // Same round, same connection count: router ÷ HAProxy, then the median (robust to a noisy round).
      const paired = [];
      for (let r = 0; r < cfg.rounds; r++) {
        for (const c of cfg.connections) {
          const h = saturation.find((x) => x.backend === kind && x.target === 'haproxy' && x.round === r && x.connections === c);
          const m = saturation.find((x) => x.backend === kind && x.target === 'router' && x.round === r && x.connections === c);
          if (h !== undefined && m !== undefined) paired.push({ round: r, connections: c, ratio: round(m.rps / h.rps) });
        }
      }
      const rate = rateOf(kind, 'haproxy');
      const lat = (t: TargetName, basis: RateBasis) => latency.filter((x) => x.backend === kind && x.target === t && x.basis === basis);
      const added = (t: TargetName, p: 'p50' | 'p99', basis: RateBasis = 'haproxy'): number[] =>
        lat(t, basis).flatMap((x) => {
          const base = lat('no proxy', basis).find((b) => b.round === x.round);
          return base === undefined ? [] : [x.result.latencyMs[p] - base.result.latencyMs[p]];
        });
      for (const basis of bases(kind)) {
        for (const t of TARGETS) {
          const runs = lat(t, basis);
          latRows.push({
            backend: kind,
            target: t,
            basis: `½ ${basis === 'haproxy' ? 'HAProxy' : 'router'}'s saturation${halfOf(kind, basis) > cfg.maxOpenLoopRps ? ` (${halfOf(kind, basis)}), capped: generator limit` : ''}`,
            rps: rateOf(kind, basis),
            p50Ms: round(median(runs.map((x) => x.result.latencyMs.p50))),
            p99Ms: round(median(runs.map((x) => x.result.latencyMs.p99))),
            addedP50Ms: t === 'no proxy' ? null : round(median(added(t, 'p50', basis))),
            addedP99Ms: t === 'no proxy' ? null : round(median(added(t, 'p99', basis))),
            okShare: round(runs.reduce((a, x) => a + x.result.ok, 0) / Math.max(1, runs.reduce((a, x) => a + x.result.scheduled, 0))),
            proxyCpuPct: t === 'no proxy' ? null : round(median(runs.map((x) => x.cpu.procPct.proxy ?? 0))),
            sendLagP99Ms: round(median(runs.map((x) => x.result.sendLagMs.p99))),
          });
        }
      }
      const ratio = sat.router.rps / sat.haproxy.rps;
      const usOf = (t: TargetName): number => median(saturation.filter((x) => x.backend === kind && x.target === t).map((x) => x.cpu.proxyUsPerRequest ?? Number.NaN));
      const pairedMedian = median(paired.map((p) => p.ratio));
      const addedP50 = median(added('router', 'p50'));
      goals[kind] = {
        throughput: { goal: `router saturation ≥ ${GOAL_THROUGHPUT_RATIO} × HAProxy's`, router: round(sat.router.rps), haproxy: round(sat.haproxy.rps), ratio: round(ratio), pairedRatioMedian: round(pairedMedian), pairedRatios: paired, cpuPerRequestUs: { router: round(usOf('router')), haproxy: round(usOf('haproxy')), nodeProxy: round(usOf('node proxy')) }, cpuNormalizedRatio: round(usOf('haproxy') / usOf('router')), verdict: verdict(ratio >= GOAL_THROUGHPUT_RATIO) },
        addedLatency: {
          goal: `router added p50 < ${GOAL_ADDED_P50_MS} ms at half of HAProxy's saturation (${rate} req/s${halfOf(kind, 'haproxy') > cfg.maxOpenLoopRps ? `, capped from ${halfOf(kind, 'haproxy')}` : ''})`,
          rps: rate,
          halfHaproxySaturation: halfOf(kind, 'haproxy'),
          capped: halfOf(kind, 'haproxy') > cfg.maxOpenLoopRps,
          /** A router whose saturation is below the offered rate is overloaded there: its queue only grows. */
          routerOverloaded: satOf(kind, 'router').rps < rate,
          routerAddedP50Ms: round(addedP50),
          routerAddedP99Ms: round(median(added('router', 'p99'))),
          haproxyAddedP50Ms: round(median(added('haproxy', 'p50'))),
          haproxyAddedP99Ms: round(median(added('haproxy', 'p99'))),
          verdict: verdict(addedP50 < GOAL_ADDED_P50_MS),
          /** Context, not the goal: at half of the router's own saturation, when that is lower. */
          ...(bases(kind).includes('router')
            ? { atHalfRouterSaturation: { rps: rateOf(kind, 'router'), routerAddedP50Ms: round(median(added('router', 'p50', 'router'))), routerAddedP99Ms: round(median(added('router', 'p99', 'router'))), haproxyAddedP50Ms: round(median(added('haproxy', 'p50', 'router'))), haproxyAddedP99Ms: round(median(added('haproxy', 'p99', 'router'))) } }
            : {}),
        },
      };
    }

    const results = {
      benchmark: 'bench:router',
      date,
      machine: info,
      tools,
      source,
      config: {
        ...cfg,
        targets: {
          'no proxy': `wrk's ${WRK_THREADS} threads each connected straight to one backend (half the connections each); open loop: requests alternate between the backends`,
          haproxy: `HAProxy, nbthread 1, taskset -c ${PROXY_CORE}, balance ${cfg.balance}, option http-keep-alive, httpchk on ${READY_PATH} every ${ENGINE_DEFAULTS.healthIntervalMs} ms`,
          router: `meridian router --no-latency-emulation, taskset -c ${PROXY_CORE}, table over the SSE watch: one region (${REGION}), version v2, ${REPLICAS} endpoints, policy latency`,
          'node proxy': `reference floor, not a contender (bench/lib/router-bench-node-proxy.ts): node:http server + http.request over a keep-alive Agent to the least-busy backend, body and answer buffered, nothing else; taskset -c ${PROXY_CORE}`,
        },
        backendKinds: {
          trivial: 'bench/lib/router-bench-backend.ts: raw-socket HTTP/1.1, a fixed 215-byte iris OIP response',
          iris: 'meridian serve --model models/iris-v2.onnx --name iris --version v2 (server defaults: 2 inference workers, batching, max queue delay as defaulted)',
        },
        pinning: `proxy on core ${PROXY_CORE}; wrk, open-loop generator, backends and this process on core ${LOAD_CORE}`,
        haproxyConfigs: Object.fromEntries(cfg.backends.map((k) => [k, `see haproxyConfig below`])),
      },
      haproxyConfig: haproxyConfig({ port: 0, backends: Array.from({ length: REPLICAS }, (_, i) => ({ name: `s${i}`, port: 0 })), balance: cfg.balance, checkPath: READY_PATH, checkIntervalMs: ENGINE_DEFAULTS.healthIntervalMs, fall: ENGINE_DEFAULTS.healthUnhealthyThreshold, rise: ENGINE_DEFAULTS.healthHealthyThreshold, maxconn: 4096 }),
      routingTable: routingTable(Array.from({ length: REPLICAS }, () => 0)),
      goals,
      saturation: satRows,
      latency: latRows,
      profile: profile === undefined ? null : { connections: satOf('trivial', 'router').connections, seconds: cfg.profileSeconds, rps: round(profile.wrk.rps), routerCpuPct: profile.cpuPct, ...profile.summary, file: undefined },
      runs: [...saturation, ...latency],
      notes: [
        'CPU % is of one core over the measured window. otherOnProxyCorePct = busy % of the proxy core minus the proxy: what other jobs on this shared machine took from the proxy.',
        'Saturation = the best connection count\'s median req/s over rounds; pairedRatios = router ÷ HAProxy in the same round at the same connection count.',
        'Added latency = target − no proxy in the same round (open loop, latency from the scheduled send time), median over rounds.',
        'Generator send lag = how late the open-loop generator (Node, on the load core with the backends) sent, p99: above a few ms it fell behind its schedule, and the latency of that run includes its own lag.',
        "node proxy is a reference floor (node:http with no routing features), not a contender.",
      ],
    };
    const file = writeResults(ROOT, 'router', date, results);

    log(`\n${saturationTable(satRows)}\n\n${latencyTable(latRows)}\n`);
    for (const [kind, g] of Object.entries(goals)) {
      const x = g as { throughput: { ratio: number; pairedRatioMedian: number; verdict: string }; addedLatency: { rps: number; routerAddedP50Ms: number; verdict: string } };
      log(`${kind}: throughput router/HAProxy ${x.throughput.ratio} (paired median ${x.throughput.pairedRatioMedian}) → ${x.throughput.verdict}; added p50 at ${x.addedLatency.rps} req/s ${x.addedLatency.routerAddedP50Ms} ms → ${x.addedLatency.verdict}`);
    }
    if (profile !== undefined) {
      log(`\nprofile (${profile.summary.requests} requests, router at ${profile.cpuPct} % of core ${PROXY_CORE}, ${round(profile.wrk.rps)} req/s): ${profile.profileFile}`);
      for (const e of profile.summary.byArea) log(`  ${e.pct} %  ${e.usPerRequest} µs/req  ${e.fn}`);
      log('  inclusive, ours:');
      for (const e of profile.summary.inclusiveOurs.slice(0, 25)) log(`  ${e.pct} %  ${e.usPerRequest} µs/req  ${e.fn}`);
      log('  self, top:');
      for (const e of profile.summary.selfTop.slice(0, 25)) log(`  ${e.pct} %  ${e.usPerRequest} µs/req  ${e.fn}`);
    }
    log(`\nwrote ${file}`);
  } finally {
    for (const s of setups) await stopSetup(s).catch(() => {});
    if (process.env.BENCH_KEEP_TMP !== '1') {
      rmSync(dir, { recursive: true, force: true });
      snapshot.remove();
    }
  }
}

process.once('SIGINT', () => {
  killAllRouterBenchChildren();
  killAllStarted();
  process.exit(130);
});
main().catch((e: unknown) => {
  killAllRouterBenchChildren();
  killAllStarted();
  console.error(`bench:router: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
