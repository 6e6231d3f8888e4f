// Starts one model-server process for the local provider and waits until it reports ready.
// The process writes its JSON log lines to a file (not a pipe), so it keeps running — and can be
// adopted — if the control plane that started it dies.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MeridianError } from '../../core/errors.js';
import { followJsonLog } from '../../core/log-follow.js';

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
  /** Unique id passed as `--label launch=…`, by which an unrecorded process is still found. */
  launch: string;
}

export interface SpawnedReplica {
  pid: number;
  /** Resolves with the port once the server reports ready; rejects (after killing it) otherwise. */
  ready: Promise<number>;
  /** Resolves when the process exits (only for processes this provider instance started). */
  exited: Promise<number | null>;
}

/**
 * Starts the process and returns at once with its pid, so the caller can record it before
 * waiting: a supervisor that dies during the wait must still find — and clean up — this process.
 */
export function spawnReplica(o: ReplicaSpawnOptions): SpawnedReplica {
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
    '--label', `launch=${o.launch}`,
  ];
  // detached: its own process group, so a Ctrl-C aimed at `meridian up` reaches only the
  // supervisor, which then stops replicas in order (drain) instead of all at once.
  const child = spawn(exe!, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new MeridianError('PROVISION_FAILED', `could not start a model server for ${o.model}:${o.version} in ${o.region}`);
  const ready = followJsonLog(o.logFile, {
    until: (e) => (e.event === 'server.ready' && e.pid === pid && typeof e.port === 'number' ? e.port : undefined),
    exited,
    timeoutMs: o.readyTimeoutMs,
    waitingFor: 'the model server was ready',
    errorCode: 'PROVISION_FAILED',
  }).catch((e: unknown) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    throw e;
  });
  return { pid, ready, exited };
}

/**
 * True if a process with this pid exists and has not exited (it may be stopped). A zombie — exited
 * but not yet reaped, as replicas adopted from a dead supervisor are until init reaps them — counts
 * as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(pid, 0)
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
