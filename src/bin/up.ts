// `meridian up`: starts the local multi-region environment (a control-plane process that runs
// the regions' model servers and a router) and writes the client config. In the foreground,
// Ctrl-C stops everything; with --detach it returns once everything is ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_DEFAULTS as L } from '../core/defaults.js';
import { MeridianError, messageOf } from '../core/errors.js';
import { followJsonLog } from '../core/log-follow.js';
import { intFlag, parseFlags } from '../config/flags.js';
import { parseRegionList } from '../config/region-list.js';
import { loadRegionCatalog } from '../config/regions/catalog.js';
import { requireEdge } from '../config/regions/edges.js';
import { isAlive } from '../providers/local/replica-process.js';
import { configPath, meridianHome, readClientConfig, writeClientConfig, type ClientConfig } from '../cli/client-config.js';
import { createNetworkEmulator } from '../providers/local/network-emulation.js';
import { stopLocalEnvironment } from './local-env.js';

const HELP = `Usage: meridian up [--regions a,b,c] [--data-dir DIR] [--detach] [options]

Starts the local multi-region environment: a control plane, the regions' model servers (real
processes spread over each region's zones) and a router, and deploys the demo model iris:v2.

Options:
  --regions LIST           comma-separated region codes (default: ${L.regions.join(',')})
  --data-dir DIR           state, logs and artifacts (default: $MERIDIAN_HOME/local)
  --replicas N             model-server replicas per region (default: ${L.replicasPerRegion})
  --edge NAME              where the router sits, for latency emulation (default: ${L.edge})
  --no-latency-emulation   no emulated network delay between the router and regions
  --detach                 return once everything is ready; stop it with \`meridian down\`

Writes the client config to $MERIDIAN_HOME/config.json (default ~/.meridian).`;

export async function main(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseFlags(
    argv,
    {
      regions: { type: 'string' },
      'data-dir': { type: 'string' },
      replicas: { type: 'string' },
      edge: { type: 'string' },
      'no-latency-emulation': { type: 'boolean' },
      detach: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (f.help === true) {
    console.log(HELP);
    return 0;
  }
  // Validate everything before starting anything.
  const catalog = loadRegionCatalog();
  const regions = f.regions === undefined ? [...L.regions] : parseRegionList(f.regions, catalog, positionals);
  if (positionals.length > 0) throw new MeridianError('USAGE', `unexpected argument "${positionals[0]}"; see meridian up --help`);
  const replicas = intFlag('replicas', f.replicas, L.replicasPerRegion, 1, 16);
  const edge = requireEdge(f.edge ?? L.edge).name;
  const dataDir = resolve(f['data-dir'] ?? join(meridianHome(), 'local'));
  const existing = readClientConfig();
  if (existing?.local !== undefined && isAlive(existing.local.controlPlanePid)) {
    throw new MeridianError('USAGE', `a local environment is already running (pid ${existing.local.controlPlanePid}, data in ${existing.local.dataDir}); stop it with \`meridian down\` first`);
  }

  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'control-plane.log');
  const token = randomBytes(24).toString('base64url');
  const args = ['control-plane', '--data-dir', dataDir, '--seed-demo', regions.join(','), '--replicas', String(replicas)];
  const { child, exited } = startProcess(args, logFile, { MERIDIAN_TOKEN: token });
  const local: NonNullable<ClientConfig['local']> = { dataDir, controlPlanePid: child.pid!, regions };
  // Written before waiting, so `meridian down` can clean up even if this command is interrupted.
  writeClientConfig({ apiUrl: '', token, local });

  let interrupted = false;
  const interrupt = new Promise<void>((r) => {
    const stop = (): void => {
      interrupted = true;
      r();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  console.log(`Starting Meridian locally: ${regions.length} region(s), ${replicas} replica(s) each; data in ${dataDir}`);
  const t0 = performance.now();
  let ready: Record<string, unknown>;
  let plane: Record<string, unknown> = {};
  try {
    ready = await Promise.race([
      followJsonLog(logFile, {
        until: (e) => {
          if (e.event === 'control-plane.ready') plane = e;
          return e.event === 'demo.ready' ? e : undefined;
        },
        onEvent: progress,
        exited,
        timeoutMs: L.upTimeoutMs,
        waitingFor: 'the environment was ready',
        errorCode: 'PROVISION_FAILED',
      }),
      interrupt.then(() => {
        throw new MeridianError('PROVISION_FAILED', 'interrupted');
      }),
    ]);
  } catch (e) {
    console.error(`meridian up: ${interrupted ? 'interrupted; stopping' : `the environment did not start: ${messageOf(e)}`}`);
    await stopLocalEnvironment(local, L.replicaStopTimeoutMs);
    return interrupted ? 130 : 1;
  }
  // The router is its own process: it keeps serving its last routing table if the control plane dies.
  const routerLog = join(dataDir, 'router.log');
  const routerArgs = ['router', '--edge', edge, '--state-file', join(dataDir, 'router-table.json'), ...(f['no-latency-emulation'] === true ? ['--no-latency-emulation'] : [])];
  const router = startProcess(routerArgs, routerLog, { MERIDIAN_API_URL: String(plane.apiUrl), MERIDIAN_TOKEN: token });
  local.routerPid = router.child.pid!;
  writeClientConfig({ apiUrl: String(plane.apiUrl), token, local });
  let routerReady: Record<string, unknown>;
  try {
    routerReady = await followJsonLog(routerLog, { until: (e) => (e.event === 'router.ready' ? e : undefined), exited: router.exited, timeoutMs: L.upTimeoutMs, waitingFor: 'the router was ready', errorCode: 'PROVISION_FAILED' });
  } catch (e) {
    console.error(`meridian up: the router did not start: ${messageOf(e)}`);
    await stopLocalEnvironment(local, L.replicaStopTimeoutMs);
    return 1;
  }
  writeClientConfig({ apiUrl: String(plane.apiUrl), routerUrl: String(routerReady.url), token, local });
  const emulator = createNetworkEmulator({ enabled: f['no-latency-emulation'] !== true, catalog });
  const edgeLocation = requireEdge(edge);
  printSummary({ ...plane, ...ready, routerUrl: routerReady.url, edge, latencyEmulation: emulator.enabled }, (performance.now() - t0) / 1000, (r) => Math.round(emulator.oneWayDelayMs(edgeLocation, r) * 10) / 10);
  if (ready.status !== 'succeeded') console.error(`\nThe demo deployment ended ${String(ready.status)}; see \`meridian history iris\`.`);
  if (f.detach === true) {
    console.log(`\nRunning in the background. Stop it with: meridian down`);
    return 0;
  }
  // Foreground: the control plane's handle keeps this process alive until Ctrl-C or its exit.
  child.ref();
  console.log('\nPress Ctrl-C to stop.');
  const how = await Promise.race([interrupt.then(() => 'signal' as const), exited.then(() => 'exited' as const)]);
  if (how === 'exited') {
    console.error(`meridian up: the control plane exited unexpectedly; see ${logFile}`);
    await stopLocalEnvironment(local, L.replicaStopTimeoutMs);
    return 1;
  }
  console.log('\nStopping: draining model servers…');
  const leftovers = await stopLocalEnvironment(local, L.replicaStopTimeoutMs);
  console.log(`Stopped${leftovers > 0 ? ` (killed ${leftovers} leftover replica process(es))` : ''}.`);
  return 0;
}

/** One line per region phase change of the demo deployment (the control plane logs every event). */
function progress(e: Record<string, unknown>): void {
  const kind = String(e.event);
  if (!kind.startsWith('region.') && kind !== 'control-plane.failed' && kind !== 'model.pushed') return;
  const region = typeof e.region === 'string' ? e.region.padEnd(16) : '';
  if (kind === 'control-plane.failed') console.error(`  failed: ${String(e.error)}`);
  else if (kind === 'model.pushed') console.log(`  ${String(e.message)}`);
  else console.log(`  ${region}${kind.slice('region.'.length).padEnd(13)} ${String(e.message).replace(/^[^:]+: /, '')}`);
}

interface ReadyRegion {
  region: string;
  replicas: { zone: string; url: string; version: string }[];
}

function printSummary(ready: Record<string, unknown>, seconds: number, delayMs: (region: string) => number): void {
  const regions = ready.regions as ReadyRegion[];
  console.log(`\nMeridian is up (${seconds.toFixed(1)} s).`);
  console.log(`  control plane  ${String(ready.apiUrl)}`);
  console.log(`  router         ${String(ready.routerUrl)}   (edge ${String(ready.edge)}, latency emulation ${ready.latencyEmulation === true ? 'on' : 'off'})`);
  console.log(`  client config  ${configPath()}`);
  console.log(`  dashboard      ${String(ready.apiUrl)}/dashboard/?edge=${String(ready.edge)}   (sign in with the token in the client config)`);
  console.log('\nRegions (model iris:v2):');
  for (const r of regions) {
    console.log(`  ${r.region.padEnd(16)} ${String(delayMs(r.region)).padStart(6)} ms one way from the edge`);
    for (const x of r.replicas) console.log(`    ${x.zone.padEnd(18)} ${x.url}  (${x.version})`);
  }
  console.log(`\nTry it:\n  curl -s ${String(ready.routerUrl)}/v2/models/iris/infer -H 'content-type: application/json' \\\n    -d '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'`);
}

/** Starts a `meridian` subcommand in its own process group, its output going to `logFile`. */
function startProcess(args: string[], logFile: string, env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  writeFileSync(logFile, '');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [fileURLToPath(new URL('./meridian.js', import.meta.url)), ...args], { stdio: ['ignore', fd, fd], detached: true, env: { ...process.env, ...env } });
  closeSync(fd);
  child.unref();
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, exited };
}
