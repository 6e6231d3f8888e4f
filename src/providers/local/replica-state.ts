// The local provider's record of the processes it started, kept in a JSON file and replaced
// atomically (write + rename), so a restarted control plane finds its replicas — to adopt the
// live ones and never leave an orphan.
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ReplicaRecord {
  id: string;
  region: string;
  zone: string;
  model: string;
  version: string;
  index: number;
  pid: number;
  port: number;
  artifactPath: string;
  logFile: string;
  /** Set while a drill holds the process stopped (SIGSTOP). */
  frozen: boolean;
  /**
   * `<provider key>.<random>`, passed to the process as `--label launch=…`: it marks the process
   * as ours even if we died before writing its pid down (see findLaunched).
   */
  launch?: string;
}

export function readRecords(file: string): ReplicaRecord[] {
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { replicas?: ReplicaRecord[] };
  return parsed.replicas ?? [];
}

export function writeRecords(file: string, records: ReplicaRecord[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ replicas: records }, null, 2));
  renameSync(tmp, file);
}

/**
 * Whether the live process `pid` is the replica we recorded, not an unrelated process that reused
 * the pid: its command line must name the replica's artifact and region label.
 */
export function isSameProcess(r: ReplicaRecord): boolean {
  try {
    const cmdline = readFileSync(`/proc/${r.pid}/cmdline`, 'utf8').split('\0');
    if (r.launch !== undefined) return cmdline.includes(`launch=${r.launch}`);
    return cmdline.includes(r.artifactPath) && cmdline.includes(`region=${r.region}`);
  } catch {
    // No /proc (not Linux): fall back to trusting the pid if the executable still exists.
    try {
      readlinkSync(`/proc/${r.pid}/exe`);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Every live process whose command line carries `--label launch=<providerKey>.…`, with its launch
 * id. A supervisor killed between spawning a replica and recording its pid leaves such a process
 * behind; the next one finds it here. Empty where there is no /proc.
 */
export function findLaunched(providerKey: string): { pid: number; launch: string }[] {
  const prefix = `launch=${providerKey}.`;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: { pid: number; launch: string }[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited while we looked
    }
    const label = args.find((a) => a.startsWith(prefix));
    if (label !== undefined) found.push({ pid: Number(name), launch: label.slice('launch='.length) });
  }
  return found;
}
