// Starts one model-server process for the local provider and waits until it reports ready.
// The process writes its JSON log lines to a file (not a pipe), so it keeps running — and can be
// adopted — if the control plane that started it dies.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { MeridianError } from '../../core/errors.js';

export interface ReplicaSpawnOptions {
  /** argv prefix that runs `meridian`, e.g. [process.execPath, '/…/dist/src/bin/meridian.js']. */
  command: readonly string[];
  artifactPath: string;
  model: string;
  version: string;
  region: string;
  zone: string;
  logFile: string;
  workers: number;
  readyTimeoutMs: number;
}

export interface SpawnedReplica {
  pid: number;
  port: number;
  /** Resolves when the process exits (only for processes this provider instance started). */
  exited: Promise<number | null>;
}

export async function spawnReplica(o: ReplicaSpawnOptions): Promise<SpawnedReplica> {
  mkdirSync(dirname(o.logFile), { recursive: true });
  const fd = openSync(o.logFile, 'a');
  const [exe, ...prefix] = o.command;
  const args = [
    ...prefix,
    'serve',
    '--model', o.artifactPath,
    '--name', o.model,
    '--version', o.version,
    '--host', '127.0.0.1',
    '--port', '0',
    '--workers', String(o.workers),
    '--label', `region=${o.region}`,
    '--label', `zone=${o.zone}`,
  ];
  // detached: its own process group, so a Ctrl-C aimed at `meridian up` reaches only the
  // supervisor, which then stops replicas in order (drain) instead of all at once.
  const child = spawn(exe!, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new MeridianError('PROVISION_FAILED', `could not start a model server for ${o.model}:${o.version} in ${o.region}`);
  const port = await waitForReady(o.logFile, exited, o.readyTimeoutMs, pid).catch((e: unknown) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    throw e;
  });
  return { pid, port, exited };
}

/** Follows the log file until the server.ready line of this pid, the process exiting, or the timeout. */
async function waitForReady(logFile: string, exited: Promise<number | null>, timeoutMs: number, pid: number): Promise<number> {
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  const fd = openSync(logFile, 'r');
  const buf = Buffer.alloc(64 * 1024);
  let offset = 0;
  let pending = '';
  const tail: string[] = [];
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n > 0) {
        offset += n;
        pending += buf.subarray(0, n).toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          const port = readyPort(line, pid);
          if (port !== undefined) return port;
        }
        continue;
      }
      if (exitCode !== undefined) {
        throw new MeridianError('PROVISION_FAILED', `model server exited (code ${exitCode}) before it was ready: ${lastError(tail)}`, { logFile });
      }
      if (performance.now() > deadline) {
        throw new MeridianError('PROVISION_FAILED', `model server not ready after ${timeoutMs} ms; see ${logFile}`, { logFile });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    closeSync(fd);
  }
}

function readyPort(line: string, pid: number): number | undefined {
  if (!line.includes('"server.ready"')) return undefined;
  try {
    const e = JSON.parse(line) as { event?: string; port?: number; pid?: number };
    return e.event === 'server.ready' && e.pid === pid ? e.port : undefined;
  } catch {
    return undefined;
  }
}

function lastError(tail: string[]): string {
  const lines = tail.filter((l) => l.trim() !== '');
  return lines.slice(-3).join(' | ') || 'no output';
}

/** True if a process with this pid exists (it may be stopped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
