// Start real `meridian` processes and wait for their JSON log events; every process a test starts
// is tracked and killed in cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI } from './paths.js';

export interface Started {
  child: ChildProcess;
  events: Record<string, unknown>[];
  stderr: string[];
  waitFor(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Waits for the first log event (seen before or after the call) that satisfies `pred`. */
  waitUntil(pred: (e: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();

export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  live.add(child);
  const events: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      e = { event: 'text', line };
    }
    events.push(e);
    for (const w of waiters.filter((x) => x.match(e))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  });
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    events,
    stderr,
    exited,
    waitFor(event, timeoutMs = 30_000) {
      return this.waitUntil((e) => e.event === event, event, timeoutMs);
    },
    waitUntil(match, what, timeoutMs = 30_000) {
      const seen = events.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${stderr.join('\n')}`)), timeoutMs);
        void exited.then(({ code }) => {
          clearTimeout(t);
          reject(new Error(`process exited (${code}) before ${what}; stderr: ${stderr.join('\n')}`));
        });
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(t);
            resolve(e);
          },
        });
      });
    },
  };
}

/** Runs the CLI to completion, returning exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}
