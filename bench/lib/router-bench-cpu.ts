// CPU accounting for bench:router: busy time per core (/proc/stat) and CPU time of the processes
// we started (every thread, /proc/<pid>/task/*/schedstat), differenced over a measured window.
// The proxy has a core to itself, so "core 1 busy − proxy" is what other jobs took from it.
import { readFileSync } from 'node:fs';
import { processSched } from './proc-sched.js';

const TICK_MS = 10;

/** Busy ms per core so far (user+nice+system+irq+softirq+steal); [] where /proc is missing. */
export function coreBusyMs(): number[] {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l))
      .map((l) => {
        const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = l.trim().split(/\s+/).slice(1).map(Number);
        return (user + nice + system + irq + softirq + steal) * TICK_MS;
      });
  } catch {
    return [];
  }
}

export interface CpuSnapshot {
  at: number;
  cores: number[];
  procs: Map<string, number>;
}

/** CPU use over a window, in % of one core. */
export interface CpuWindow {
  /** Busy % of each core. */
  corePct: number[];
  /** Per named process group: % of one core (all threads). */
  procPct: Record<string, number>;
}

export function cpuSnapshot(groups: Record<string, readonly number[]>): CpuSnapshot {
  const procs = new Map<string, number>();
  for (const [name, pids] of Object.entries(groups)) {
    let ms = 0;
    for (const pid of pids) ms += processSched(pid)?.cpuMs ?? 0;
    procs.set(name, ms);
  }
  return { at: performance.now(), cores: coreBusyMs(), procs };
}

export function cpuWindow(a: CpuSnapshot, b: CpuSnapshot): CpuWindow {
  const ms = b.at - a.at;
  const pct = (x: number): number => (ms > 0 ? Math.round((1000 * x) / ms) / 10 : 0);
  const procPct: Record<string, number> = {};
  for (const [name, v] of b.procs) procPct[name] = pct(v - (a.procs.get(name) ?? 0));
  return { corePct: b.cores.map((v, i) => pct(v - (a.cores[i] ?? 0))), procPct };
}
