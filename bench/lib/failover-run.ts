// One outage drill of bench:failover, against the Meridian router or HAProxy, with exactly the code
// `meridian drill outage` runs (src/cli/load: prepareLoad → runOutageDrill → buildDrillReport):
// the same open-loop scheduler and recorder, the same failure through the control plane's
// POST /api/v1/drills, the same analysis. Only the URL the load goes to differs, and for HAProxy
// the restore also repoints its servers at the replicas' new ports (a killed replica is restarted
// on another port; the router learns that from the routing table, HAProxy from us).
import os from 'node:os';
import type { ReplicaStatus } from '../../src/api/requests.js';
import type { ApiClient } from '../../src/cli/api-client.js';
import { buildDrillReport, type DrillReport } from '../../src/cli/load/drill-report.js';
import type { LoadPlan } from '../../src/cli/load/load-flags.js';
import { prepareLoad } from '../../src/cli/load/load-run.js';
import { runOutageDrill, type DrillControl } from '../../src/cli/load/outage-drill.js';
import type { Haproxy } from './haproxy.js';
import { machineBusyMs } from './serve-process.js';

export type ProxyKind = 'meridian' | 'haproxy' | 'meridian-emulated';

export interface DrillSpec {
  proxy: ProxyKind;
  mode: 'kill' | 'freeze';
  round: number;
  url: string;
  plan: LoadPlan;
  region: string;
  otherRegions: string[];
  warmupS: number;
  restoreAfterS: number;
}

/** What the proxy itself says, polled during the drill. */
export interface ProxySide {
  /** Requests (HAProxy: sessions to the region's servers) or attempts (router: upstream attempts, counted when they end) sent to the failed region so far. */
  sentToRegion: () => Promise<number>;
  /** HAProxy only: server → state, to time its health checks. */
  states?: () => Promise<Record<string, string>>;
}

export interface ProxySideRecord {
  pollMs: number;
  /**
   * The last poll, after the failure and before the restore, at which the proxy's count of what it
   * sent to the failed region had grown, minus the failure time: an upper bound (by one poll) on
   * when it last sent there. Counts what the client cannot see: a router attempt that was
   * abandoned for a hedge elsewhere still went to the region. null: nothing was sent after the failure.
   */
  lastSentAfterFailureMs: number | null;
  /** HAProxy: each server state change, ms after the failure (negative: before). */
  transitions: { afterFailureMs: number; server: string; state: string }[];
  /** HAProxy: when its checks had marked every server of the failed region DOWN, ms after the failure; null: never. */
  regionDownAfterFailureMs: number | null;
}

export interface DrillRun {
  proxy: ProxyKind;
  mode: 'kill' | 'freeze';
  round: number;
  report: DrillReport;
  proxySide: ProxySideRecord | null;
  /** Busy share of all cores during the drill (every process on the machine, other jobs included), %. */
  machineBusyPct: number | null;
  loadAvgBefore: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The HAProxy server name of a replica: `<region>_<index>`. */
export const serverName = (region: string, index: number): string => `${region}_${index}`;

/** Points HAProxy's servers at the replicas' current ports (no-op when unchanged). */
export async function syncHaproxy(h: Haproxy, replicas: readonly Pick<ReplicaStatus, 'region' | 'index' | 'url'>[]): Promise<void> {
  for (const r of replicas) {
    const u = new URL(r.url);
    await h.setAddress(serverName(r.region, r.index), u.hostname, Number(u.port));
  }
}

/** The drill control for HAProxy: the control plane's, plus the repointing after a restore. */
export function haproxyControl(api: ApiClient, h: Haproxy): DrillControl {
  return {
    async drill(req) {
      const res = await api.drill(req);
      if (req.mode === 'restore') await syncHaproxy(h, res);
      return res;
    },
  };
}

const POLL_MS = 100;

/** Polls the proxy every POLL_MS until `stop` aborts; times in ms since `t0`. */
async function pollProxy(side: ProxySide, t0: number, stop: AbortSignal): Promise<{ counts: { t: number; n: number }[]; states: { t: number; server: string; state: string }[] }> {
  const counts: { t: number; n: number }[] = [];
  const states: { t: number; server: string; state: string }[] = [];
  const last = new Map<string, string>();
  while (!stop.aborted) {
    const at = performance.now() - t0;
    try {
      counts.push({ t: at, n: await side.sentToRegion() });
      for (const [server, state] of Object.entries((await side.states?.()) ?? {})) {
        if (last.get(server) !== state) states.push({ t: at, server, state });
        last.set(server, state);
      }
    } catch {
      // a missed poll only coarsens the figure
    }
    await sleep(Math.max(0, POLL_MS - (performance.now() - t0 - at)));
  }
  return { counts, states };
}

export async function runDrill(spec: DrillSpec, control: DrillControl, side?: ProxySide): Promise<DrillRun> {
  const prepared = await prepareLoad(spec.plan, spec.url);
  const loadAvgBefore = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const busy0 = machineBusyMs();
  const stopPolling = new AbortController();
  // The load starts at once inside runOutageDrill: t0 is its clock's zero to within a millisecond.
  const t0 = performance.now();
  const polled = side === undefined ? undefined : pollProxy(side, t0, stopPolling.signal);
  const res = await runOutageDrill({ load: prepared, region: spec.region, mode: spec.mode, warmupS: spec.warmupS, restoreAfterS: spec.restoreAfterS, control, signal: new AbortController().signal }).finally(() => stopPolling.abort());
  const wall = performance.now() - t0;
  const busy1 = machineBusyMs();
  const report = buildDrillReport(prepared, { region: spec.region, mode: spec.mode, warmupS: spec.warmupS, restoreAfterS: spec.restoreAfterS, otherRegions: spec.otherRegions }, res);
  const machineBusyPct = busy0 === undefined || busy1 === undefined ? null : Math.round(((busy1 - busy0) / (wall * os.cpus().length)) * 1000) / 10;
  let proxySide: ProxySideRecord | null = null;
  if (polled !== undefined) {
    const { counts, states } = await polled;
    const failed = res.times.failDone;
    const end = res.times.restoreStart ?? res.times.sendEnd;
    let lastSent: number | null = null;
    for (let i = 1; i < counts.length; i++) {
      const c = counts[i]!;
      if (c.n > counts[i - 1]!.n && c.t > failed && c.t <= end) lastSent = Math.round(c.t - failed);
    }
    const current = new Map<string, string>();
    let regionDown: number | null = null;
    for (const x of states) {
      current.set(x.server, x.state);
      const mine = [...current].filter(([server]) => server.startsWith(`${spec.region}_`));
      if (regionDown === null && x.t >= failed && x.t <= end && mine.length > 0 && mine.every(([, st]) => st.startsWith('DOWN'))) regionDown = Math.round(x.t - failed);
    }
    proxySide = { pollMs: POLL_MS, lastSentAfterFailureMs: lastSent, transitions: states.map((x) => ({ afterFailureMs: Math.round(x.t - failed), server: x.server, state: x.state })), regionDownAfterFailureMs: regionDown };
  }
  return { proxy: spec.proxy, mode: spec.mode, round: spec.round, report, proxySide, machineBusyPct, loadAvgBefore };
}

/** The router's upstream attempts to `region` (any model, role and result), from its /metrics. */
export function routerAttemptsTo(url: string, region: string): () => Promise<number> {
  const label = `region="${region}"`;
  return async () => {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    let n = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('meridian_router_upstream_attempts_total{') && line.includes(label)) n += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return n;
  };
}

/** HAProxy's sessions to the servers of `region` (`stot` of `<region>_*`) from `show stat`. */
export function haproxySessionsTo(h: Haproxy, region: string): () => Promise<number> {
  return async () => {
    const csv = (await h.command('show stat')).split('\n').filter((l) => l.trim() !== '');
    const header = (csv[0] ?? '').replace(/^# /, '').split(',');
    const sv = header.indexOf('svname');
    const stot = header.indexOf('stot');
    let n = 0;
    for (const line of csv.slice(1)) {
      const f = line.split(',');
      if ((f[sv] ?? '').startsWith(`${region}_`)) n += Number(f[stot] ?? 0);
    }
    return n;
  };
}

/** Until every replica of the model runs in every region (a killed region is restarted by the restore). */
export async function waitReplicasRunning(api: ApiClient, model: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await api.modelStatus(model);
    if (s.regions.length > 0 && s.regions.every((r) => r.replicasReady === r.replicasDesired)) return;
    if (performance.now() > deadline) throw new Error(`replicas of ${model} not all running after ${timeoutMs} ms: ${JSON.stringify(s.regions)}`);
    await sleep(200);
  }
}

/** Until `n` inference requests in a row are answered 200 by `region` through `url`. */
export async function waitServedBy(url: string, model: string, body: unknown, headers: Record<string, string>, region: string, n = 10, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let streak = 0;
  let last = '';
  while (streak < n) {
    if (performance.now() > deadline) throw new Error(`${url} did not serve ${model} from ${region} ${n} times in a row within ${timeoutMs} ms (last: ${last})`);
    try {
      const r = await fetch(`${url}/v2/models/${model}/infer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
      await r.arrayBuffer();
      last = `${r.status} from ${r.headers.get('meridian-region') ?? '?'}`;
      streak = r.status === 200 && r.headers.get('meridian-region') === region ? streak + 1 : 0;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
      streak = 0;
    }
    if (streak === 0) await sleep(100);
  }
}

/** Until HAProxy reports every server UP. */
export async function waitHaproxyUp(h: Haproxy, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const states = await h.serverStates();
    const values = Object.values(states);
    if (values.length > 0 && values.every((s) => s.startsWith('UP'))) return;
    if (performance.now() > deadline) throw new Error(`haproxy servers not all UP after ${timeoutMs} ms: ${JSON.stringify(states)}`);
    await sleep(200);
  }
}
