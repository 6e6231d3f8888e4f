// Starts `meridian serve` as a real child process, waits for its "server.ready" log line (which
// carries the port), and stops it with SIGTERM (the server drains and exits), SIGKILL as a last
// resort. Also reads the process's CPU time from /proc so a run can say where the cycles went.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServeOptions {
  cliPath: string;
  modelPath: string;
  name: string;
  /** Extra flags, e.g. ["--no-batching"] or ["--max-batch-size", "64"]. */
  flags: readonly string[];
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  port: number;
  pid: number;
  flags: readonly string[];
  stop(): Promise<void>;
}

/** Every server this process started and has not stopped; stopped on SIGINT or a crash of the bench. */
const live = new Set<ChildProcess>();

export function killAllStarted(): void {
  for (const c of live) c.kill('SIGKILL');
}

export async function startServer(o: ServeOptions): Promise<ServerProcess> {
  const args = [o.cliPath, 'serve', '--model', o.modelPath, '--name', o.name, '--port', '0', ...o.flags];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const lines = createInterface({ input: child.stdout });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not log server.ready within ${o.readyTimeoutMs ?? 60_000} ms; stderr: ${stderr.join('\n')}`)), o.readyTimeoutMs ?? 60_000);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (code ${code}) before server.ready; stderr: ${stderr.join('\n')}`));
      });
      lines.on('line', (line) => {
        let event: { event?: unknown; port?: unknown };
        try {
          event = JSON.parse(line) as { event?: unknown; port?: unknown };
        } catch {
          return;
        }
        if (event.event === 'server.ready' && typeof event.port === 'number') {
          clearTimeout(timer);
          resolve(event.port);
        }
      });
    });
    // Keep draining stdout so the child never blocks on a full pipe.
    return { port, pid: child.pid ?? -1, flags: o.flags, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface ProcessCpu {
  /** All threads of the process (main, inference workers, V8/libuv helpers), ms. */
  totalMs: number;
  /** The main (event-loop) thread alone: HTTP, JSON, batching. Its thread id equals the pid. */
  mainMs: number;
  /** Time the main thread was runnable but waiting for a CPU (schedstat run delay), ms. */
  mainWaitMs: number;
}

// USER_HZ is 100 on every Linux architecture Node supports.
const TICK_MS = 10;

function ticks(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU time used so far by a process and by its main thread; undefined where /proc is missing. */
export function processCpu(pid: number): ProcessCpu | undefined {
  try {
    // schedstat: time on CPU (ns), time waiting on a run queue (ns), timeslices.
    const waitNs = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return { totalMs: ticks(`/proc/${pid}/stat`) * TICK_MS, mainMs: ticks(`/proc/${pid}/task/${pid}/stat`) * TICK_MS, mainWaitMs: waitNs / 1e6 };
  } catch {
    return undefined;
  }
}

/** CPU time all processes on the machine have used so far (busy, not idle or iowait), ms. */
export function machineBusyMs(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) * TICK_MS;
  } catch {
    return undefined;
  }
}
