// The environment bench:failover drills: a real `meridian up --detach` (control plane, two regions
// of model-server processes, the router) under a throw-away MERIDIAN_HOME, exactly as
// test/e2e/drill.test.ts runs it, plus optionally a second router at the new-york edge with
// emulated network distance (the setting issue 4's figures were measured in). Everything it
// starts is stopped by down(), or by killNow() when the bench is interrupted.
// Its processes run from a private copy of dist/src taken at the start: other sessions rebuild
// dist/ while the bench runs, and a replica restarted by a drill's restore halfway through a
// rebuild would load half-written modules and die.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiClient } from '../../src/cli/api-client.js';
import { snapshotDist, type DistSnapshot } from './dist-snapshot.js';
import { runMeridian } from './meridian-cli.js';

export interface MeridianEnv {
  home: string;
  api: ApiClient;
  /** The router `meridian up` started (latency emulation off). */
  routerUrl: string;
  /** The second router (new-york edge, emulation on); undefined unless asked for. */
  emulatedRouterUrl: string | undefined;
  /** Runs a `meridian` command against this environment; rejects on a non-zero exit. */
  cli(...args: string[]): Promise<string>;
  /** Stops the second router, runs `meridian down`, removes the home directory. Idempotent. */
  down(): Promise<void>;
  /** Last resort (Ctrl-C, a crash): the same, synchronously. */
  killNow(): void;
}

const live = new Set<MeridianEnv>();

export function killAllMeridianEnvs(): void {
  for (const e of live) e.killNow();
}

/** Starts a router process and resolves with its URL once it logged router.ready. */
function startRouter(cliPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cliPath, 'router', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the second router did not log router.ready in 30 s: ${stderr.join('\n')}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the second router exited (${String(code)}) before router.ready: ${stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const e = JSON.parse(line) as { event?: unknown; url?: unknown };
        if (e.event === 'router.ready' && typeof e.url === 'string') {
          clearTimeout(timer);
          resolve({ child, url: e.url });
        }
      } catch {
        // not a log line
      }
    });
  });
}

export interface UpOptions {
  /** The repository root: its dist/src is snapshotted and run. */
  root: string;
  regions: string[];
  replicasPerRegion: number;
  /** Also start a router at the new-york edge with emulated network distance. */
  emulatedRouter: boolean;
  say: (line: string) => void;
}

export async function meridianUp(o: UpOptions): Promise<MeridianEnv> {
  const home = mkdtempSync(join(tmpdir(), 'meridian-bench-failover-'));
  const env = { ...process.env, MERIDIAN_HOME: home };
  let snapshot: DistSnapshot;
  try {
    snapshot = snapshotDist(o.root);
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
  const cliPath = snapshot.cliPath;
  const cli = (...args: string[]): Promise<string> => runMeridian(cliPath, args, env);
  let second: ChildProcess | undefined;
  let closed: Promise<void> | undefined;
  const me: MeridianEnv = {
    home,
    api: new ApiClient({ url: '', token: '' }),
    routerUrl: '',
    emulatedRouterUrl: undefined,
    cli,
    down() {
      closed ??= (async () => {
        if (second !== undefined && second.exitCode === null && second.signalCode === null) {
          const s = second;
          const gone = new Promise<void>((r) => s.once('exit', () => r()));
          s.kill('SIGTERM');
          const t = setTimeout(() => s.kill('SIGKILL'), 5000);
          await gone;
          clearTimeout(t);
        }
        try {
          await cli('down');
        } finally {
          rmSync(home, { recursive: true, force: true });
          snapshot.remove();
          live.delete(me);
        }
      })();
      return closed;
    },
    killNow() {
      second?.kill('SIGKILL');
      spawnSync(process.execPath, [cliPath, 'down'], { env, stdio: 'ignore', timeout: 60_000 });
      rmSync(home, { recursive: true, force: true });
      snapshot.remove();
      live.delete(me);
    },
  };
  live.add(me);
  try {
    o.say(`meridian up --detach --regions ${o.regions.join(',')} --replicas ${o.replicasPerRegion} --no-latency-emulation (MERIDIAN_HOME=${home})`);
    await cli('up', '--detach', '--regions', o.regions.join(','), '--replicas', String(o.replicasPerRegion), '--no-latency-emulation', '--data-dir', join(home, 'data'));
    // Without emulated distance every region is ~0 ms away, so the default latency policy has no
    // stable favourite; geoproximity sends clients standing in the failed region to it (as the e2e drill test does).
    await cli('traffic', 'iris', '--policy', 'geoproximity');
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { apiUrl: string; routerUrl: string; token: string };
    me.api = new ApiClient({ url: config.apiUrl, token: config.token });
    me.routerUrl = config.routerUrl;
    if (o.emulatedRouter) {
      const r = await startRouter(cliPath, ['--edge', 'new-york', '--state-file', join(home, 'router-new-york.json')], { ...env, MERIDIAN_API_URL: config.apiUrl, MERIDIAN_TOKEN: config.token });
      second = r.child;
      me.emulatedRouterUrl = r.url;
      o.say(`second router at the new-york edge, latency emulation on: ${r.url}`);
    }
    return me;
  } catch (e) {
    await me.down().catch(() => {});
    throw e;
  }
}
