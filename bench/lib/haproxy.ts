// HAProxy for bench:failover: Debian's package (2.6), installed on demand through apt as
// scripts/setup.sh installs promtool, configured the way a careful operator would put it in front
// of two regions, started in the foreground as a child of the bench and driven through its runtime
// API (a unix socket) — to read server states and to repoint a server at a replica that came back
// on a new port (what DNS/service discovery would do for it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** haproxy's version line, installing the Debian package first when the binary is missing. */
export function ensureHaproxy(say: (line: string) => void): string {
  if (spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).status !== 0) {
    say('haproxy is not installed: installing the Debian package (apt-get update, apt-get install -y haproxy)');
    const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'haproxy']]) {
      const cmd = [...sudo, ...args];
      const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (exit ${String(r.status)}): ${r.stderr.slice(-500)}`);
    }
  }
  const v = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error(`haproxy -v failed: ${v.stderr}`);
  return (v.stdout.split('\n')[0] ?? '').trim();
}

/** One model-server replica behind HAProxy. Its name is `<region>_<index>`: the region is the part before `_`. */
export interface HaproxyServer {
  name: string;
  host: string;
  port: number;
  /** The second region's replicas: used only when every first-region server is down. */
  backup: boolean;
}

export interface HaproxyConfigOptions {
  port: number;
  socketPath: string;
  /** The OIP ready path of the model's version, probed by the health checks. */
  readyPath: string;
  servers: HaproxyServer[];
}

/**
 * The operator's timeouts (the drill reports them with the results):
 * - `timeout connect 1s`: a connect on a LAN or between nearby zones takes well under 10 ms; a
 *   second is a host that is not there. It also sets HAProxy's pause before a retry after a
 *   refused connection (min(timeout connect, 1 s)).
 * - `timeout server 3s`: ~100 × the model's p99 (tens of ms under load), far below the clients'
 *   15 s; a longer one only holds hung requests longer.
 * - `timeout check 500ms`: a ready probe answers in ~1 ms; 500 ms absorbs pauses, below `inter`.
 * - `timeout client 30s`, `timeout http-keep-alive 10s`: client side, idle connections; no effect on failover.
 * - `retries 3` with `option redispatch` (the last retry may go to another server) and HAProxy's
 *   default `retry-on conn-failure`: a refused or timed-out connect is retried, a request that was
 *   sent and never answered is not (HAProxy cannot know that it is safe to send it twice).
 * - Active checks `inter 1s fall 2 rise 2` on the model's ready path; `balance leastconn` (the
 *   nearest thing to the router's least-outstanding choice); the second region's servers `backup`
 *   with `option allbackups` (both take traffic when the first region is down, not just one).
 * `Meridian-Region` on every response, HAProxy's own errors included, names the server's region, as
 * the router's header does, so the drill's analysis applies unchanged.
 */
export function haproxyConfig(o: HaproxyConfigOptions): string {
  const servers = o.servers.map((s) => `  server ${s.name} ${s.host}:${s.port} check${s.backup ? ' backup' : ''}`);
  return [
    'global',
    `  stats socket ${o.socketPath} mode 600 level admin`,
    '  nbthread 1',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 3s',
    '  timeout check 500ms',
    '  timeout http-keep-alive 10s',
    '  retries 3',
    '  option redispatch',
    '',
    'frontend meridian_failover',
    `  bind 127.0.0.1:${o.port}`,
    '  default_backend models',
    '',
    'backend models',
    '  balance leastconn',
    '  option allbackups',
    '  option httpchk',
    `  http-check send meth GET uri ${o.readyPath}`,
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 2',
    '  http-after-response set-header Meridian-Region %[srv_name,field(1,_)]',
    ...servers,
    '',
  ].join('\n');
}

/** A free TCP port on 127.0.0.1 (closed again before use: a tiny race, fine on a bench machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Haproxy {
  url: string;
  pid: number;
  config: string;
  /** One runtime-API command, its answer. */
  command(cmd: string): Promise<string>;
  /** Server name → status (`UP`, `DOWN`, `UP 1/2`, `MAINT`, …) from `show stat`. */
  serverStates(): Promise<Record<string, string>>;
  /** Points a server at a new address (a replica restarted on another port); checks decide when it is UP. */
  setAddress(name: string, host: string, port: number): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s); resolves when it has exited. */
  stop(): Promise<void>;
}

/** Every HAProxy this process started and has not stopped, for the bench's last-resort cleanup. */
const live = new Set<ChildProcess>();

export function killAllHaproxies(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** Writes the config into `dir`, checks it (`haproxy -c`), starts HAProxy and waits until its runtime API answers. */
export async function startHaproxy(dir: string, servers: HaproxyServer[], readyPath: string): Promise<Haproxy> {
  const port = await freePort();
  const socketPath = join(dir, 'haproxy.sock');
  const config = haproxyConfig({ port, socketPath, readyPath, servers });
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c rejected the configuration: ${check.stdout}${check.stderr}`);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const output: string[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => output.push(l));
  createInterface({ input: child.stderr }).on('line', (l) => output.push(l));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );

  const command = (cmd: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const sock = createConnection(socketPath);
      let out = '';
      sock.setEncoding('utf8');
      sock.setTimeout(5000, () => sock.destroy(new Error(`haproxy runtime API: no answer to "${cmd}"`)));
      sock.on('data', (d: string) => (out += d));
      sock.once('error', reject);
      sock.once('close', () => resolve(out));
      sock.once('connect', () => sock.end(`${cmd}\n`));
    });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  };

  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      await command('show info');
      break;
    } catch {
      if (child.exitCode !== null || performance.now() > deadline) {
        await stop();
        throw new Error(`haproxy did not start: ${output.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    config,
    command,
    async serverStates() {
      const csv = (await command('show stat')).split('\n').filter((l) => l.trim() !== '');
      const header = (csv[0] ?? '').replace(/^# /, '').split(',');
      const name = header.indexOf('svname');
      const status = header.indexOf('status');
      const out: Record<string, string> = {};
      for (const line of csv.slice(1)) {
        const f = line.split(',');
        const sv = f[name] ?? '';
        if (sv !== '' && sv !== 'FRONTEND' && sv !== 'BACKEND') out[sv] = f[status] ?? '';
      }
      return out;
    },
    async setAddress(name, host, p) {
      const answer = await command(`set server models/${name} addr ${host} port ${p}`);
      if (/no such|not found|error|invalid/i.test(answer)) throw new Error(`haproxy: set server ${name} → ${host}:${p}: ${answer.trim()}`);
    },
    stop,
  };
}
