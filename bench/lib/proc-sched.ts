// CPU time and run-queue wait of a whole process (every live thread), from
// /proc/<pid>/task/*/schedstat (nanoseconds: time on CPU, time runnable but waiting for a CPU).
// The wait is the direct measure of CPU saturation: a process starting on an idle machine waits
// ~0; forty of them starting at once on two cores wait most of the time.
import { readdirSync, readFileSync } from 'node:fs';

export interface SchedTotals {
  cpuMs: number;
  waitMs: number;
}

/** Sums over the process's live threads; undefined when /proc is not there or the process is gone. */
export function processSched(pid: number): SchedTotals | undefined {
  try {
    let cpuNs = 0;
    let waitNs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [cpu, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        cpuNs += cpu ?? 0;
        waitNs += wait ?? 0;
      } catch {
        /* thread ended while we read */
      }
    }
    return { cpuMs: cpuNs / 1e6, waitMs: waitNs / 1e6 };
  } catch {
    return undefined;
  }
}

/** This process's own CPU (all threads: event loop, libuv pool, V8), ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
