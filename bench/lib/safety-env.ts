// The environment bench:safety releases candidates into: a real `meridian up --detach` (control
// plane, one region of model-server processes, the router; emulated network distance off) under a
// throw-away MERIDIAN_HOME, as test/e2e/strategy-canary.test.ts runs it. Its processes run from a
// private copy of dist/src taken once when the bench starts (snapshotDist), shared by every
// environment of the invocation: other sessions rebuild dist/ while the bench runs, and every
// candidate's replicas are spawned mid-bench — halfway through a rebuild they would load
// half-written modules, and strategies measured on different builds would not compare.
// Everything it starts is stopped by down(), or by killNow() on Ctrl-C/crash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../src/cli/api-client.js';
import { runMeridian } from './meridian-cli.js';
export { snapshotDist } from './dist-snapshot.js';

export interface SafetyEnv {
  home: string;
  dataDir: string;
  api: ApiClient;
  routerUrl: string;
  /** The control plane's JSON-lines log (`meridian up` writes it into the data dir: src/bin/up.ts). */
  controlPlaneLog: string;
  /** The router's routing-table state file: written (tmp + rename) each time the router accepts a table, before it routes by it. */
  routerTableFile: string;
  cli(...args: string[]): Promise<string>;
  /** `meridian down`, then removes the home directory. Idempotent. */
  down(): Promise<void>;
  /** Last resort (Ctrl-C, a crash): the same, synchronously. */
  killNow(): void;
}

const live = new Set<SafetyEnv>();

export function killAllSafetyEnvs(): void {
  for (const e of live) e.killNow();
}

export interface SafetyEnvOptions {
  /** The CLI of a snapshotDist copy. */
  cliPath: string;
  region: string;
  replicas: number;
  say: (line: string) => void;
}

export async function startSafetyEnv(o: SafetyEnvOptions): Promise<SafetyEnv> {
  const home = mkdtempSync(join(tmpdir(), 'meridian-bench-safety-'));
  const dataDir = join(home, 'data');
  const env = { ...process.env, MERIDIAN_HOME: home };
  const cliPath = o.cliPath;
  const cli = (...args: string[]): Promise<string> => runMeridian(cliPath, args, env);
  let closed: Promise<void> | undefined;
  const me: SafetyEnv = {
    home,
    dataDir,
    api: new ApiClient({ url: '', token: '' }),
    routerUrl: '',
    controlPlaneLog: join(dataDir, 'control-plane.log'),
    routerTableFile: join(dataDir, 'router-table.json'),
    cli,
    down() {
      closed ??= (async () => {
        try {
          await cli('down');
        } finally {
          rmSync(home, { recursive: true, force: true });
          live.delete(me);
        }
      })();
      return closed;
    },
    killNow() {
      spawnSync(process.execPath, [cliPath, 'down'], { env, stdio: 'ignore', timeout: 60_000 });
      rmSync(home, { recursive: true, force: true });
      live.delete(me);
    },
  };
  live.add(me);
  try {
    o.say(`meridian up --detach --regions ${o.region} --replicas ${o.replicas} --no-latency-emulation (MERIDIAN_HOME=${home})`);
    await cli('up', '--detach', '--regions', o.region, '--replicas', String(o.replicas), '--no-latency-emulation', '--data-dir', dataDir);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { apiUrl: string; routerUrl: string; token: string };
    me.api = new ApiClient({ url: config.apiUrl, token: config.token });
    me.routerUrl = config.routerUrl;
    return me;
  } catch (e) {
    await me.down().catch(() => {});
    throw e;
  }
}

/** `strategy.reverted` lines of the control plane's log: verdict (or abort) → table published, per rollout. */
export function revertLogLines(env: SafetyEnv): { rolloutId: number; revertMs: number; code: string; time: string | null }[] {
  let text: string;
  try {
    text = readFileSync(env.controlPlaneLog, 'utf8');
  } catch {
    return [];
  }
  const out: { rolloutId: number; revertMs: number; code: string; time: string | null }[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('strategy.reverted')) continue;
    try {
      const e = JSON.parse(line) as Record<string, unknown>;
      // The event log echoes every event under the same name; the reconciler's own line carries revertMs.
      if (e.event !== 'strategy.reverted' || typeof e.revertMs !== 'number') continue;
      const time = typeof e.time === 'string' ? e.time : typeof e.ts === 'string' ? e.ts : null;
      out.push({ rolloutId: Number(e.rolloutId), revertMs: Number(e.revertMs), code: String(e.code), time });
    } catch {
      // not a JSON line
    }
  }
  return out;
}
