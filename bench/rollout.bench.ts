// bench:rollout — time to deploy iris v1 to 1, 5, 10 and 20 local regions, one region at a time
// (--parallel 1) and ten at a time (--parallel 10), 2 replicas per region (the default), plus 1
// replica per region for 20 regions; and the control plane's own overhead: the part of a rollout
// not spent waiting inside a port (provider, replicator, verifier, republish). Every measurement
// gets a fresh data directory and control plane, so every region really starts its processes.
// Also measures what one model-server start-up costs alone and K at once, to say where the time
// of the large rollouts goes on this machine.
//
// Env: BENCH_ROUNDS (runs per configuration, median kept, default 3), BENCH_REGIONS (default
// "1,5,10,20"), BENCH_PARALLEL (default "1,10"), BENCH_PROBE_ROUNDS (solo start-up samples,
// default 5), BENCH_PROBE_CONCURRENCY (servers started at once, default "1,2,10,20,40"),
// BENCH_REFERENCE=0 (skip the undecorated composeLocalControlPlane cross-check). Takes ~4 min
// with the defaults (~6 min with BENCH_ROUNDS=5) on 2 cores.
// Quick check: BENCH_ROUNDS=1 BENCH_REGIONS=1,2 BENCH_PARALLEL=1,2 BENCH_PROBE_ROUNDS=1 BENCH_PROBE_CONCURRENCY=1,2
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadRegionCatalog } from '../src/config/regions/catalog.js';
import { LOCAL_DEFAULTS, ROLLOUT_DEFAULTS } from '../src/core/defaults.js';
import type * as ComposeLocal from '../src/bin/compose-local.js';
import { snapshotDist, type DistSnapshot } from './lib/dist-snapshot.js';
import { killAllEnvs } from './lib/rollout-env.js';
import { rolloutTable, waveTable, type ConfigSummary } from './lib/rollout-report.js';
import { measureRollout, type RolloutConfig, type RolloutRun } from './lib/rollout-run.js';
import { killAllStarted } from './lib/serve-process.js';
import { probeStartup, type StartupProbe } from './lib/startup-probe.js';
import { median, round } from './lib/stats.js';
import { envNumber } from './lib/bench-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODEL = resolve(ROOT, 'models/iris-v1.onnx');
const GOAL_A_MAX_RATIO = 3;
const GOAL_B_MAX_OVERHEAD_MS = 50;

function envList(name: string, fallback: string, max: number): number[] {
  const raw = process.env[name] ?? fallback;
  const list = raw.split(',').map(Number);
  if (list.length === 0 || list.some((c) => !Number.isInteger(c) || c < 1 || c > max)) throw new Error(`${name}: "${raw}" must be whole numbers from 1 to ${max} separated by commas, e.g. ${fallback}`);
  return list;
}

function readConfig() {
  return {
    rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
    regionCounts: envList('BENCH_REGIONS', '1,5,10,20', 20),
    parallel: envList('BENCH_PARALLEL', '1,10', 20),
    probeRounds: Math.round(envNumber('BENCH_PROBE_ROUNDS', 5, 1)),
    probeConcurrency: envList('BENCH_PROBE_CONCURRENCY', '1,2,10,20,40', 64),
    reference: process.env.BENCH_REFERENCE !== '0',
  };
}

/** 20 distinct catalog regions, evenly spaced over the catalog (AWS, Google Cloud and Azure alike); the first is us-east-1. */
function pickRegions(count: number): string[] {
  const all = loadRegionCatalog().all();
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]!.code);
}

function machine() {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model ?? 'unknown', logicalCpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvgAtStart: os.loadavg().map((l) => round(l)) };
}

function plan(cfg: ReturnType<typeof readConfig>, regions: readonly string[]): RolloutConfig[] {
  const replicas = ROLLOUT_DEFAULTS.replicas;
  const configs: RolloutConfig[] = cfg.regionCounts.flatMap((n) => cfg.parallel.map((p) => ({ label: `${n} regions, parallel ${p}, ${replicas} replicas`, regions: regions.slice(0, n), parallel: p, replicas })));
  const most = Math.max(...cfg.regionCounts);
  // Process start-up is CPU-bound on 2 cores: the largest case again with half the processes.
  configs.push(...cfg.parallel.map((p) => ({ label: `${most} regions, parallel ${p}, 1 replica`, regions: regions.slice(0, most), parallel: p, replicas: 1 })));
  if (cfg.reference) {
    const bigP = Math.max(...cfg.parallel);
    configs.push({ label: `reference: 1 region, parallel 1, ${replicas} replicas`, regions: regions.slice(0, 1), parallel: 1, replicas, reference: true });
    configs.push({ label: `reference: ${most} regions, parallel ${bigP}, ${replicas} replicas`, regions: regions.slice(0, most), parallel: bigP, replicas, reference: true });
  }
  return configs;
}

function summarize(c: RolloutConfig, runs: readonly RolloutRun[]): ConfigSummary {
  const ok = runs.filter((r) => r.status === 'succeeded');
  const spread = (pick: (r: RolloutRun) => number | undefined) => {
    const v = ok.map(pick).filter((x): x is number => x !== undefined);
    return v.length === 0 ? undefined : { min: round(Math.min(...v), 4), median: round(median(v), 4), max: round(Math.max(...v), 4) };
  };
  const med = (pick: (r: RolloutRun) => number | undefined): number | undefined => {
    const v = ok.map(pick).filter((x): x is number => x !== undefined);
    return v.length === 0 ? undefined : round(median(v), 4);
  };
  const totalMs = spread((r) => r.totalMs) ?? { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const representative = [...ok].sort((a, b) => a.totalMs - b.totalMs)[Math.floor((ok.length - 1) / 2)];
  return {
    label: c.label,
    regions: c.regions.length,
    parallel: c.parallel,
    replicas: c.replicas,
    reference: c.reference === true,
    waves: Math.ceil(c.regions.length / c.parallel),
    runs: runs.length,
    succeeded: ok.length,
    failures: runs.flatMap((r) => (r.failure !== undefined ? [`round ${r.round}: ${r.failure}`] : [])),
    totalMs,
    totalPerRegionMs: round(totalMs.median / c.regions.length),
    portMs: spread((r) => r.portMs),
    overheadPerRegionMs: spread((r) => r.overheadPerRegionMs),
    replicasCpuMs: med((r) => r.cpu?.replicasMs),
    replicasRunQueueWaitMs: med((r) => r.cpu?.replicasRunQueueWaitMs),
    controlPlaneCpuMs: med((r) => r.cpu?.controlPlaneMs),
    otherCpuMs: med((r) => r.cpu?.otherMs),
    machineBusyPct: med((r) => r.cpu?.machineBusyPct),
    eventLoopDelayP99Ms: med((r) => r.eventLoopDelayMs.p99),
    ...(representative !== undefined ? { representative } : {}),
  };
}

/**
 * Is the goal-(a) budget reachable on this machine at all? The replicas' and the control plane's
 * CPU time, spread perfectly over every core with nothing else running, is a floor on the
 * rollout's wall time; compared with 3 × one region, and turned into the most CPU one replica
 * start-up (plus its verification) may cost for the budget to hold.
 */
function budgetCheck(s: ConfigSummary, oneMs: number, startup: StartupProbe, cores: number) {
  const processes = s.regions * s.replicas;
  const budgetMs = GOAL_A_MAX_RATIO * oneMs;
  const replicasMs = s.replicasCpuMs ?? Number.NaN;
  const controlPlaneMs = s.controlPlaneCpuMs ?? Number.NaN;
  const soloServe = startup.stages.find((x) => x.stage.startsWith('meridian serve'));
  const waves = s.representative?.waves ?? [];
  return {
    config: s.label,
    processes,
    budgetMs: round(budgetMs, 4),
    measuredMs: s.totalMs.median,
    replicaCpuMsPerProcess: round(replicasMs / processes),
    soloServeStartCpuMs: soloServe?.cpuMs,
    controlPlaneCpuMs: controlPlaneMs,
    /** (replica CPU + control-plane CPU) / cores: no scheduling can finish faster on this machine. */
    cpuFloorMs: round((replicasMs + controlPlaneMs) / cores, 4),
    /** Most CPU a replica (start-up + answering verification) may use for the floor to fit the budget. */
    maxCpuPerReplicaForBudgetMs: round((budgetMs * cores - controlPlaneMs) / processes),
    waves: waves.map((w) => ({
      wave: w.wave,
      processes: w.regions * s.replicas,
      wallMs: w.wallMs,
      provisionMs: w.provisionMs,
      verifyMs: w.verifyMs,
      replicateMs: w.replicateMs,
      startCpuFloorMs: soloServe !== undefined ? round((w.regions * s.replicas * soloServe.cpuMs) / cores, 4) : undefined,
    })),
  };
}

function progress(r: RolloutRun): void {
  const parts = [`  ${r.label.padEnd(50)} round ${r.round}: ${r.status.padEnd(9)} ${String(round(r.totalMs, 4)).padStart(6)} ms`];
  if (r.portMs !== undefined) parts.push(`ports ${round(r.portMs, 4)} ms, overhead ${r.overheadPerRegionMs} ms/region`);
  if (r.cpu !== undefined) parts.push(`replica CPU ${round(r.cpu.replicasMs / 1000)} s (run-queue wait ${round(r.cpu.replicasRunQueueWaitMs / 1000)} s), machine ${r.cpu.machineBusyPct} % busy`);
  parts.push(`event-loop delay p99 ${r.eventLoopDelayMs.p99} ms`);
  if (r.failure !== undefined) parts.push(`FAILED: ${r.failure}`);
  console.log(parts.join(', '));
}

async function main(): Promise<void> {
  const cfg = readConfig();
  const info = machine();
  const date = new Date().toISOString();
  const regions = pickRegions(20);
  const model = new Uint8Array(readFileSync(MODEL));
  // Every process this bench starts runs a private copy of dist/ (others rebuild it meanwhile).
  snapshot = snapshotDist(ROOT);
  const CLI = snapshot.cliPath;
  const composeLocal = ((await import(pathToFileURL(snapshot.srcPath('bin/compose-local.js')).href)) as typeof ComposeLocal).composeLocalControlPlane;
  console.log(`bench:rollout  ${info.cpuModel} × ${info.logicalCpus}, node ${info.node}, load ${info.loadAvgAtStart.join(' ')}; ${cfg.rounds} round(s); regions ${regions.join(' ')}`);

  const startup: StartupProbe = await probeStartup({ root: ROOT, cliPath: CLI, modelPath: MODEL, rounds: cfg.probeRounds, concurrency: cfg.probeConcurrency, cores: info.logicalCpus, onResult: (l) => console.log(l) });

  const configs = plan(cfg, regions);
  const runs: RolloutRun[][] = configs.map(() => []);
  for (let r = 0; r < cfg.rounds; r++) {
    for (let k = 0; k < configs.length; k++) {
      // Rotate the order each round, so a slow spell of this shared machine spreads over all configurations.
      const i = (k + r) % configs.length;
      const run = await measureRollout(configs[i]!, { cliPath: CLI, composeLocal, model, round: r + 1, cores: info.logicalCpus, keepIntervals: true });
      runs[i]!.push(run);
      progress(run);
    }
  }
  const summaries = configs.map((c, i) => summarize(c, runs[i]!));
  const timed = summaries.filter((s) => !s.reference);
  const find = (n: number, p: number, replicas: number): ConfigSummary | undefined => timed.find((s) => s.regions === n && s.parallel === p && s.replicas === replicas);
  const most = Math.max(...cfg.regionCounts);
  const bigP = Math.max(...cfg.parallel);
  // One region is the same rollout (one wave of one region) whatever --parallel says: pool both.
  const oneRuns = configs.flatMap((c, i) => (c.regions.length === 1 && c.replicas === ROLLOUT_DEFAULTS.replicas && c.reference !== true ? runs[i]! : [])).filter((r) => r.status === 'succeeded');
  const oneMs = median(oneRuns.map((r) => r.totalMs));
  // Other jobs can only slow a run down: the best runs are the least-disturbed estimate.
  const oneBestMs = Math.min(...oneRuns.map((r) => r.totalMs));
  const big = find(most, bigP, ROLLOUT_DEFAULTS.replicas);
  const bigOneReplica = find(most, bigP, 1);
  const ratio = big !== undefined ? big.totalMs.median / oneMs : Number.NaN;
  const ratioOneReplica = bigOneReplica !== undefined ? bigOneReplica.totalMs.median / oneMs : Number.NaN;
  const worstOverhead = timed.reduce<ConfigSummary | undefined>((w, s) => ((s.overheadPerRegionMs?.median ?? -1) > (w?.overheadPerRegionMs?.median ?? -1) ? s : w), undefined);
  const worst = worstOverhead?.overheadPerRegionMs?.median ?? Number.NaN;
  const goals = {
    a: {
      goal: `${most} regions with parallel ${bigP} (${ROLLOUT_DEFAULTS.replicas} replicas each) in at most ${GOAL_A_MAX_RATIO}× the time of 1 region`,
      oneRegionMs: round(oneMs, 4),
      oneRegionRuns: oneRuns.length,
      manyRegionsMs: big?.totalMs.median,
      ratio: round(ratio),
      pass: ratio <= GOAL_A_MAX_RATIO && big?.succeeded === big?.runs,
      bestRuns: { oneRegionMs: round(oneBestMs, 4), manyRegionsMs: big?.totalMs.min, ratio: round((big?.totalMs.min ?? Number.NaN) / oneBestMs) },
      withOneReplicaPerRegion: { manyRegionsMs: bigOneReplica?.totalMs.median, ratio: round(ratioOneReplica), pass: ratioOneReplica <= GOAL_A_MAX_RATIO },
    },
    b: {
      goal: `control-plane overhead (deploy→settled minus time inside ports) under ${GOAL_B_MAX_OVERHEAD_MS} ms per region, in every configuration (median)`,
      worstMsPerRegion: round(worst),
      worstConfig: worstOverhead?.label,
      ratioToBudget: round(worst / GOAL_B_MAX_OVERHEAD_MS),
      pass: worst < GOAL_B_MAX_OVERHEAD_MS,
    },
  };
  const whereTimeGoes = {
    big: big !== undefined ? budgetCheck(big, oneMs, startup, info.logicalCpus) : undefined,
    bigOneReplica: bigOneReplica !== undefined ? budgetCheck(bigOneReplica, oneMs, startup, info.logicalCpus) : undefined,
  };
  const notes = [
    `Model iris v1 (models/iris-v1.onnx); every replica is a \`meridian serve --workers ${LOCAL_DEFAULTS.workersPerReplica}\` process started by the local provider; verification is the HTTP verifier with the rollout defaults (golden examples + ${ROLLOUT_DEFAULTS.latencyRequests}-request latency smoke test per replica, p99 budget ${ROLLOUT_DEFAULTS.latencyP99BudgetMs} ms).`,
    'Each measurement: fresh temp data dir + fresh control plane (SQLite, local provider, local artifact stores), iris v1 pushed untimed, then deploy() → settled() timed; then control plane stopped, replicas retired, data dir removed.',
    'Port time = wall time during which at least one call to provider.provision/retire/status, replicator.replicate, verifier.verify or republish was in progress (union of intervals). Overhead = total − port time: SQLite reads/writes of the reconciler, planning, event-loop scheduling between steps.',
    'The timed configurations compose the same classes as composeLocalControlPlane (its provider and republish are not seams); the "reference" rows run composeLocalControlPlane itself, undecorated, as a cross-check of totals.',
    'CPU: replica CPU and run-queue wait from /proc/<pid>/task/*/schedstat of every replica at settle (they are fresh processes, so that is all of their start-up and verification); control-plane CPU = this process (process.cpuUsage); other jobs = machine busy (/proc/stat) − both. Machine busy % is of all cores.',
    `Configurations run in ${cfg.rounds} round(s), order rotated each round; tables show the median of the successful runs (min–max in parentheses); waves and port-call intervals (provider.status calls left out) are kept for the median run of each configuration.`,
  ];
  const results = {
    benchmark: 'bench:rollout',
    date,
    machine: { ...info, loadAvgAtEnd: os.loadavg().map((l) => round(l)) },
    config: { ...cfg, regions, workersPerReplica: LOCAL_DEFAULTS.workersPerReplica, defaultReplicas: ROLLOUT_DEFAULTS.replicas, model: 'models/iris-v1.onnx' },
    goals,
    whereTimeGoes,
    summaries,
    startup,
    // Waves and intervals are kept for each configuration's median run only (in summaries).
    allRuns: runs.flat().map(({ intervals: _intervals, waves: _waves, ...r }) => r),
    notes,
  };
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `rollout-${date.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\n${rolloutTable(summaries)}\n`);
  for (const s of [find(1, 1, ROLLOUT_DEFAULTS.replicas), find(10, bigP, ROLLOUT_DEFAULTS.replicas), big, bigOneReplica]) {
    if (s?.representative?.waves !== undefined) console.log(`${waveTable(`${s.regions}×p${s.parallel}×${s.replicas}r`, s.representative.waves)}\n`);
  }
  console.log(`(a) ${goals.a.goal}: ${goals.a.manyRegionsMs} ms / ${goals.a.oneRegionMs} ms = ${goals.a.ratio}× (best runs ${goals.a.bestRuns.ratio}×) → ${goals.a.pass ? 'PASS' : 'FAIL'} (1 replica per region: ${goals.a.withOneReplicaPerRegion.ratio}× → ${goals.a.withOneReplicaPerRegion.pass ? 'PASS' : 'FAIL'})`);
  for (const w of [whereTimeGoes.big, whereTimeGoes.bigOneReplica]) {
    if (w !== undefined) console.log(`    ${w.config}: ${w.processes} processes; CPU floor ${w.cpuFloorMs} ms (replicas ${w.replicaCpuMsPerProcess} ms CPU each, solo start-up ${w.soloServeStartCpuMs} ms; control plane ${w.controlPlaneCpuMs} ms) vs budget ${w.budgetMs} ms; the budget needs ≤ ${w.maxCpuPerReplicaForBudgetMs} ms CPU per replica`);
  }
  console.log(`(b) ${goals.b.goal}: worst ${goals.b.worstMsPerRegion} ms/region (${goals.b.worstConfig}) = ${goals.b.ratioToBudget} of budget → ${goals.b.pass ? 'PASS' : 'FAIL'}`);
  console.log(`\nwrote ${file}`);
}

let snapshot: DistSnapshot | undefined;

function cleanUp(): void {
  killAllEnvs();
  killAllStarted();
  snapshot?.remove();
}

process.once('SIGINT', () => {
  cleanUp();
  process.exit(130);
});
main()
  .then(() => snapshot?.remove())
  .catch((e: unknown) => {
    cleanUp();
    console.error(`bench:rollout: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  });
