// bench:router's processes: the tools it needs (HAProxy 2.6 and wrk from Debian, installed here
// when missing), CPU pinning, the trivial backends, HAProxy, the Meridian router and the routing
// table it is fed over Server-Sent Events. Every child is tracked and killed if the bench dies.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RoutingTable } from '../../src/core/routing-table.js';
import { tableFrame } from '../../src/api/routing-table-stream.js';

/** Children started here and not yet exited. */
const live = new Set<ChildProcess>();

export function killAllRouterBenchChildren(): void {
  for (const c of live) c.kill('SIGKILL');
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * HAProxy and wrk from Debian's packages, installed when missing (the bench never relies on
 * something installed by hand). Returns the versions the run used.
 */
export function ensureTools(log: (s: string) => void): { haproxy: string; wrk: string; taskset: string } {
  const missing = ['haproxy', 'wrk', 'taskset'].filter((c) => !onPath(c));
  if (missing.includes('haproxy') || missing.includes('wrk')) {
    log(`installing haproxy and wrk from Debian (missing: ${missing.join(', ')})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'haproxy', 'wrk'], { stdio: 'inherit', env });
  }
  if (!onPath('taskset')) throw new Error('taskset (util-linux) is missing; install it with apt-get install -y util-linux');
  const haproxy = execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? 'unknown';
  if (!/version 2\.6\./.test(haproxy)) log(`warning: expected HAProxy 2.6 (Debian bookworm), found: ${haproxy}`);
  const wrkOut = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  const wrk = `${wrkOut.stdout}${wrkOut.stderr}`.split('\n')[0]?.trim() ?? 'unknown';
  const taskset = execFileSync('taskset', ['-V'], { encoding: 'utf8' }).trim();
  return { haproxy, wrk, taskset };
}

/** Pins every thread of a running process (this one included) to one core. */
export function pinProcess(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
}

/** A port nobody listens on right now (for HAProxy, which cannot report the one it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  pid: number;
  port: number;
  /** stderr lines so far (for error messages). */
  stderr: string[];
  stop(): Promise<number | null>;
}

interface SpawnOptions {
  /** `taskset -c core` in front of the command. */
  core: number;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Reads the port from a stdout line; undefined: the caller knows the port (`knownPort`). */
  readyPort?: (line: string) => number | undefined;
  knownPort?: number;
  /** Resolves once the process serves (for children that print nothing). */
  waitReady?: () => Promise<void>;
  timeoutMs?: number;
  name: string;
}

/** Starts a pinned child and waits until it is ready. `taskset` execs, so the pid is the program's. */
export async function startPinned(o: SpawnOptions): Promise<Child> {
  const child = spawn('taskset', ['-c', String(o.core), o.command, ...o.args], { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => {
    if (stderr.length < 200) stderr.push(l);
  });
  const stdout = createInterface({ input: child.stdout });
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  const timeoutMs = o.timeoutMs ?? 30_000;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${o.name} not ready within ${timeoutMs} ms; stderr: ${stderr.join('\n')}`)), timeoutMs);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${o.name} exited (code ${code}) before it was ready; stderr: ${stderr.join('\n')}`));
      });
      stdout.on('line', (line) => {
        const p = o.readyPort?.(line);
        if (p !== undefined) {
          clearTimeout(timer);
          resolve(p);
        }
      });
      if (o.readyPort === undefined) {
        void (o.waitReady ?? (() => Promise.resolve()))().then(() => {
          clearTimeout(timer);
          resolve(o.knownPort ?? 0);
        }, reject);
      }
    });
    return { pid: child.pid ?? -1, port, stderr, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Reads `port` from a JSON log line whose `event` is `event`. */
export function jsonEventPort(event: string): (line: string) => number | undefined {
  return (line) => {
    try {
      const j = JSON.parse(line) as { event?: unknown; port?: unknown };
      return j.event === event && typeof j.port === 'number' ? j.port : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Polls `url` until it answers `status`. */
export async function waitForHttp(url: string, timeoutMs: number, status = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status === status) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** The trivial backend (router-bench-backend.ts) as a child on `core`. */
export function startTrivialBackend(script: string, core: number, name: string): Promise<Child> {
  return startPinned({ core, command: process.execPath, args: [script, '0', name], readyPort: jsonEventPort('backend.ready'), name: `trivial backend ${name}` });
}

/** HAProxy in the foreground (-db) with one thread, from a config file; ready once its frontend answers. */
export function startHaproxy(configPath: string, port: number, core: number, probePath: string): Promise<Child> {
  return startPinned({ core, command: 'haproxy', args: ['-db', '-f', configPath], knownPort: port, waitReady: () => waitForHttp(`http://127.0.0.1:${port}${probePath}`, 15_000), name: 'haproxy' });
}

export interface RouterStart {
  cliPath: string;
  core: number;
  /** The bench's table server (SSE watch). */
  apiUrl: string;
  /** MERIDIAN_HOME and the state file live here. */
  home: string;
  /** Node flags in front of the script, e.g. ["--cpu-prof", "--cpu-prof-dir=…"]. */
  nodeFlags?: string[];
  name: string;
  /** A path that answers 200 only once the router has a table and an upstream answered. */
  probe: (port: number) => Promise<void>;
}

/** `meridian router --no-latency-emulation` on `core`, fed by the bench's table server. */
export async function startRouter(o: RouterStart): Promise<Child> {
  const env = { ...process.env, MERIDIAN_API_URL: o.apiUrl, MERIDIAN_TOKEN: 'bench-router-token', MERIDIAN_HOME: o.home };
  const child = await startPinned({
    core: o.core,
    command: process.execPath,
    args: [...(o.nodeFlags ?? []), o.cliPath, 'router', '--port', '0', '--no-latency-emulation', '--state-file', join(o.home, `${o.name}-table.json`)],
    env,
    readyPort: jsonEventPort('router.ready'),
    name: `router ${o.name}`,
  });
  try {
    await o.probe(child.port);
  } catch (e) {
    await child.stop();
    throw e;
  }
  return child;
}

/**
 * The control plane's routing-table watch, and nothing else: `GET /api/v1/routing-table/stream`
 * answers the table as one `routing-table` event (the same frame src/api/routing-table-stream.ts
 * writes) and keeps the stream open.
 */
export class TableServer {
  private server: HttpServer | undefined;
  private readonly streams = new Set<ServerResponse>();
  url = '';

  constructor(private readonly table: RoutingTable) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] !== '/api/v1/routing-table/stream' || req.headers.authorization !== 'Bearer bench-router-token') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the bench table server only serves the routing-table watch' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(tableFrame(this.table));
      this.streams.add(res);
      res.once('close', () => this.streams.delete(res));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.destroy();
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Writes a file and returns its path. */
export function writeFileIn(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
