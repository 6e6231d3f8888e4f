// One measured rollout: a fresh control plane in a fresh data directory, iris v1 pushed (not
// timed), then `deploy` → `settled` timed, with every port call's interval recorded. From the
// intervals: the port time (union: wall time during which at least one port call was in
// progress), the control plane's own overhead (total − port time), and a per-wave breakdown of
// where the wall time went. From /proc: the CPU the replicas, this process and everyone else used.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { composeLocalControlPlane } from '../../src/bin/compose-local.js';
import type { Rollout } from '../../src/core/domain.js';
import type { Principal } from '../../src/rollout/service.js';
import { sumMs, unionMs, type Interval, type PortKind } from './intervals.js';
import { processSched, selfCpuMs } from './proc-sched.js';
import { referenceEnv, timedEnv } from './rollout-env.js';
import { machineBusyMs } from './serve-process.js';
import { median, round } from './stats.js';

export interface RolloutConfig {
  label: string;
  regions: readonly string[];
  parallel: number;
  replicas: number;
  /** Run on composeLocalControlPlane itself (no timing decorators): total time only. */
  reference?: boolean;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface WaveBreakdown {
  wave: number;
  regions: number;
  /** From the wave's first port call to the end of its last one (its regions' calls and the republishes it triggered). */
  wallMs: number;
  /** Union, within the wave's window, of each kind of port call. */
  replicateMs: number;
  provisionMs: number;
  verifyMs: number;
  republishMs: number;
  /** Wall time of the wave during which no port call was in progress. */
  notInPortsMs: number;
  /** Last provision start − first: how late the last region of the wave began starting processes. */
  provisionStartSpreadMs: number;
  /** Per-region durations of the call (each region's own provision, verify). */
  provisionPerRegionMs: Spread;
  verifyPerRegionMs: Spread;
  /** The region that finished last, and its own calls. */
  slowest: { region: string; replicateMs: number; provisionMs: number; verifyMs: number };
}

export interface RolloutCpu {
  /** CPU of the replica processes this rollout started (all threads, from their start to settle). */
  replicasMs: number;
  /** Time their threads were runnable but waiting for a CPU. */
  replicasRunQueueWaitMs: number;
  /** This process (the control plane, its verifier's HTTP client, its SQLite) during the rollout. */
  controlPlaneMs: number;
  /** Busy CPU time of the whole machine during the rollout. */
  machineBusyMs: number;
  /** machine − replicas − control plane: other jobs on this shared machine (tick resolution: ±10 ms per process). */
  otherMs: number;
  /** machineBusyMs / (total × cores): 100 % = every core busy the whole time. */
  machineBusyPct: number;
}

export interface RolloutRun {
  label: string;
  round: number;
  regions: number;
  parallel: number;
  replicas: number;
  reference: boolean;
  status: string;
  /** Why it did not succeed (region: code reason), when it did not. */
  failure?: string;
  /** deploy() → settled(), ms. */
  totalMs: number;
  /** Union of every port call's interval; absent for the reference composition. */
  portMs?: number;
  overheadMs?: number;
  overheadPerRegionMs?: number;
  /** Per kind of port call: union (wall time with at least one such call running), sum and count. */
  ports?: Partial<Record<PortKind, { unionMs: number; sumMs: number; calls: number }>>;
  waves?: WaveBreakdown[];
  cpu?: RolloutCpu;
  /** Event-loop delay of the control plane (this process) during the rollout: how starved it was. */
  eventLoopDelayMs: { mean: number; p99: number; max: number };
  /** Every port call relative to deploy(), ms (kept for one run per configuration). */
  intervals?: { kind: PortKind; region: string | null; startMs: number; endMs: number; failed: boolean }[];
}

const BY: Principal = { name: 'bench', role: 'deployer' };

function spread(values: readonly number[]): Spread {
  return values.length === 0 ? { min: Number.NaN, median: Number.NaN, max: Number.NaN } : { min: round(Math.min(...values)), median: round(median(values)), max: round(Math.max(...values)) };
}

function failureOf(r: Rollout): string | undefined {
  if (r.status === 'succeeded') return undefined;
  const bad = r.regions.filter((x) => x.phase === 'failed').map((x) => `${x.region}: ${x.errorCode ?? ''} ${x.reason ?? ''}`.trim());
  return [r.reason ?? r.status, ...bad].join('; ');
}

/** Where each wave's wall time went. Republishes carry no region: each belongs to the wave during whose window it started. */
export function waveBreakdown(allWaves: readonly (readonly string[])[], intervals: readonly Interval[]): WaveBreakdown[] {
  const callsOf = (w: readonly string[]): Interval[] => intervals.filter((i) => i.region !== undefined && w.includes(i.region) && i.kind !== 'status');
  // Waves skipped after a failure made no calls: nothing to break down.
  const waves = allWaves.filter((w) => callsOf(w).length > 0);
  const regionCalls = waves.map(callsOf);
  const starts = regionCalls.map((calls) => Math.min(...calls.map((i) => i.start)));
  return waves.map((w, k) => {
    const calls = regionCalls[k]!;
    const from = starts[k]!;
    const nextStart = starts[k + 1] ?? Infinity;
    const republish = intervals.filter((i) => i.kind === 'republish' && i.start >= from && i.start < nextStart);
    const to = Math.max(...calls.map((i) => i.end), ...republish.map((i) => i.end));
    const of = (kind: PortKind): Interval[] => calls.filter((i) => i.kind === kind);
    const perRegion = (kind: PortKind): number[] => w.map((region) => sumMs(of(kind).filter((i) => i.region === region)));
    const lastEnd = (region: string): number => Math.max(...calls.filter((i) => i.region === region).map((i) => i.end));
    const slowest = [...w].sort((a, b) => lastEnd(b) - lastEnd(a))[0]!;
    const own = (kind: PortKind): number => round(sumMs(of(kind).filter((i) => i.region === slowest)));
    const everything = intervals.filter((i) => i.end > from && i.start < to);
    return {
      wave: allWaves.indexOf(w) + 1,
      regions: w.length,
      wallMs: round(to - from),
      replicateMs: round(unionMs(of('replicate'), from, to)),
      provisionMs: round(unionMs(of('provision'), from, to)),
      verifyMs: round(unionMs(of('verify'), from, to)),
      republishMs: round(unionMs(republish, from, to)),
      notInPortsMs: round(to - from - unionMs(everything, from, to)),
      provisionStartSpreadMs: round(Math.max(...of('provision').map((i) => i.start)) - Math.min(...of('provision').map((i) => i.start))),
      provisionPerRegionMs: spread(perRegion('provision')),
      verifyPerRegionMs: spread(perRegion('verify')),
      slowest: { region: slowest, replicateMs: own('replicate'), provisionMs: own('provision'), verifyMs: own('verify') },
    };
  });
}

export interface MeasureOptions {
  /** The `meridian` entry point replicas run (the dist snapshot's). */
  cliPath: string;
  /** composeLocalControlPlane for the reference configurations (the dist snapshot's). */
  composeLocal: typeof composeLocalControlPlane;
  model: Uint8Array;
  round: number;
  cores: number;
  keepIntervals: boolean;
}

export async function measureRollout(cfg: RolloutConfig, o: MeasureOptions): Promise<RolloutRun> {
  const env = cfg.reference === true ? await referenceEnv(o.composeLocal) : await timedEnv(o.cliPath);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    await env.controlPlane.start();
    await env.controlPlane.pushModel('iris', 'v1', o.model, null, BY);
    env.log?.clear();
    const busy0 = machineBusyMs();
    const self0 = selfCpuMs();
    loop.enable();
    const t0 = performance.now();
    const r = await env.controlPlane.deploy('iris', { version: 'v1', regions: [...cfg.regions], parallel: cfg.parallel, replicas: cfg.replicas }, BY);
    const done = await env.controlPlane.settled(r.id);
    const t1 = performance.now();
    loop.disable();
    const self1 = selfCpuMs();
    const busy1 = machineBusyMs();
    const sched = env.provider.status().map((x) => (x.pid === undefined ? undefined : processSched(x.pid)));
    const totalMs = t1 - t0;
    const failure = failureOf(done);
    const run: RolloutRun = {
      label: cfg.label,
      round: o.round,
      regions: cfg.regions.length,
      parallel: cfg.parallel,
      replicas: cfg.replicas,
      reference: cfg.reference === true,
      status: done.status,
      ...(failure !== undefined ? { failure } : {}),
      totalMs: round(totalMs, 4),
      eventLoopDelayMs: { mean: round(loop.mean / 1e6), p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
    };
    if (busy0 !== undefined && busy1 !== undefined) {
      const replicasMs = sched.reduce((a, s) => a + (s?.cpuMs ?? 0), 0);
      const machine = busy1 - busy0;
      run.cpu = {
        replicasMs: round(replicasMs, 4),
        replicasRunQueueWaitMs: round(sched.reduce((a, s) => a + (s?.waitMs ?? 0), 0), 4),
        controlPlaneMs: round(self1 - self0, 4),
        machineBusyMs: round(machine, 4),
        otherMs: round(machine - replicasMs - (self1 - self0), 4),
        machineBusyPct: round((100 * machine) / (totalMs * o.cores)),
      };
    }
    const log = env.log;
    if (log !== undefined) {
      const intervals = log.all.filter((i) => i.start >= t0 && i.end <= t1);
      const portMs = unionMs(intervals);
      run.portMs = round(portMs, 4);
      run.overheadMs = round(totalMs - portMs, 4);
      run.overheadPerRegionMs = round((totalMs - portMs) / cfg.regions.length);
      const ports: NonNullable<RolloutRun['ports']> = {};
      for (const kind of [...new Set(intervals.map((i) => i.kind))]) {
        const of = intervals.filter((i) => i.kind === kind);
        ports[kind] = { unionMs: round(unionMs(of), 4), sumMs: round(sumMs(of), 4), calls: of.length };
      }
      run.ports = ports;
      run.waves = waveBreakdown(done.waves, intervals);
      // provider.status calls are many (the reconciler checks verified regions every step) and instant: counted in `ports`, not listed.
      if (o.keepIntervals) run.intervals = intervals.filter((i) => i.kind !== 'status').map((i) => ({ kind: i.kind, region: i.region ?? null, startMs: round(i.start - t0, 4), endMs: round(i.end - t0, 4), failed: i.failed }));
    }
    return run;
  } finally {
    await env.close();
  }
}
