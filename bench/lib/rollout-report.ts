// Markdown tables for bench:rollout (console and BENCHMARKS.md).
import type { RolloutRun, Spread, WaveBreakdown } from './rollout-run.js';
import { round } from './stats.js';

export interface ConfigSummary {
  label: string;
  regions: number;
  parallel: number;
  replicas: number;
  reference: boolean;
  waves: number;
  runs: number;
  succeeded: number;
  failures: string[];
  /** Over the successful runs. */
  totalMs: Spread;
  totalPerRegionMs: number;
  portMs?: Spread;
  overheadPerRegionMs?: Spread;
  replicasCpuMs?: number;
  replicasRunQueueWaitMs?: number;
  controlPlaneCpuMs?: number;
  otherCpuMs?: number;
  machineBusyPct?: number;
  /** Control plane's event-loop delay p99 during the rollout (median over runs). */
  eventLoopDelayP99Ms?: number;
  /** The run whose total is the median (the one whose waves are shown). */
  representative?: RolloutRun;
}

const f = (x: number | undefined, digits = 3): string => (x === undefined || Number.isNaN(x) ? '–' : String(round(x, digits)));
const s = (x: Spread | undefined, digits = 3): string => (x === undefined ? '–' : `${f(x.median, digits)} (${f(x.min, digits)}–${f(x.max, digits)})`);
const sec = (ms: number | undefined): string => (ms === undefined ? '–' : f(ms / 1000));

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function rolloutTable(configs: readonly ConfigSummary[]): string {
  return table(
    ['regions', 'parallel', 'replicas/region', 'waves', 'deploy→settled ms, median (min–max)', 'per region ms', 'port time ms', 'overhead/region ms, median (min–max)', 'replica CPU s', 'replica run-queue wait s', 'control-plane CPU s', 'other jobs CPU s', 'machine busy %', 'control-plane event-loop delay p99 ms', 'ok runs'],
    configs.map((c) => [
      `${c.regions}${c.reference ? ' (composeLocalControlPlane, undecorated)' : ''}`,
      String(c.parallel),
      String(c.replicas),
      String(c.waves),
      s(c.totalMs, 4),
      f(c.totalPerRegionMs),
      s(c.portMs, 4),
      s(c.overheadPerRegionMs),
      sec(c.replicasCpuMs),
      sec(c.replicasRunQueueWaitMs),
      sec(c.controlPlaneCpuMs),
      sec(c.otherCpuMs),
      f(c.machineBusyPct),
      f(c.eventLoopDelayP99Ms),
      `${c.succeeded}/${c.runs}`,
    ]),
  );
}

export function waveTable(label: string, waves: readonly WaveBreakdown[]): string {
  return table(
    ['config', 'wave', 'regions', 'wave wall ms', 'replicate ms', 'provision ms', 'verify ms', 'republish ms', 'not in ports ms', 'last provision starts after first, ms', 'provision per region ms, median (min–max)', 'verify per region ms, median (min–max)', 'slowest region: replicate / provision / verify ms'],
    waves.map((w) => [
      label,
      String(w.wave),
      String(w.regions),
      f(w.wallMs, 4),
      f(w.replicateMs),
      f(w.provisionMs, 4),
      f(w.verifyMs, 4),
      f(w.republishMs),
      f(w.notInPortsMs),
      f(w.provisionStartSpreadMs, 4),
      s(w.provisionPerRegionMs, 4),
      s(w.verifyPerRegionMs, 4),
      `${w.slowest.region}: ${f(w.slowest.replicateMs)} / ${f(w.slowest.provisionMs, 4)} / ${f(w.slowest.verifyMs, 4)}`,
    ]),
  );
}
