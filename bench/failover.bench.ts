// bench:failover — issue 4's failover drill, `kill` (SIGKILL: connections refused) and `freeze`
// (SIGSTOP: connections accepted, nothing answered), against the Meridian router and against
// HAProxy 2.6 configured as a careful operator would (bench/lib/haproxy.ts: active checks
// `inter 1s fall 2`, `retries 3`, `option redispatch`, the second region's servers `backup`), in
// front of the same model-server processes of one `meridian up --detach` environment (us-east-1
// and eu-west-1, 2 replicas each), with the same open-loop load and the same analysis
// (src/cli/load, as `meridian drill outage --output json`). us-east-1 is failed; eu-west-1 takes over.
//
// Emulated network distance is off for both (`meridian up --no-latency-emulation`; HAProxy has
// none). A third row, unless BENCH_EMULATED=0: a second Meridian router at the new-york edge with
// emulation on (us-east-1 ~2.7 ms away one way, eu-west-1 ~36 ms), the setting issue 4's problem was
// measured in. Drills run in interleaved order (the proxy order rotates each round).
//
// Env: BENCH_RPS (default 100: the rate this 2-core machine sustains with every process on it
// without the generator's send lag passing 10 ms), BENCH_DURATION_S (16), BENCH_WARMUP_S (4),
// BENCH_RESTORE_S (10: 6 s of outage, 6 s after the restore), BENCH_ROUNDS (2), BENCH_MODES
// ("kill,freeze"), BENCH_EMULATED (1), BENCH_TAG (results go to failover-<date>-<tag>.json
// instead of failover-<date>.json, for a side run). Takes ~5 min with the defaults. Needs haproxy: installed
// through apt when missing (apt-get update, apt-get install -y haproxy; sudo when not root).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMEOUT_MS, type LoadPlan } from '../src/cli/load/load-flags.js';
import { ENGINE_DEFAULTS } from '../src/router/engine/index.js';
import { oipPath } from '../src/router/engine/types.js';
import { killAllMeridianEnvs, meridianUp, type MeridianEnv } from './lib/failover-env.js';
import { GOALS, PROXY_LABEL, ratios, resultsTable, summarizeCells, verdicts } from './lib/failover-report.js';
import { haproxyControl, haproxySessionsTo, routerAttemptsTo, runDrill, serverName, syncHaproxy, waitHaproxyUp, waitReplicasRunning, waitServedBy, type DrillRun, type ProxyKind } from './lib/failover-run.js';
import { ensureHaproxy, killAllHaproxies, startHaproxy, type Haproxy, type HaproxyServer } from './lib/haproxy.js';
import { round } from './lib/stats.js';
import { envNumber, writeResults } from './lib/bench-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODEL = 'iris';
const FAILED = 'us-east-1';
const BACKUP = 'eu-west-1';
const REPLICAS = 2;
const BODY = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [6.7, 3.0, 5.2, 2.3] }] };

function readConfig() {
  const modes = (process.env.BENCH_MODES ?? 'kill,freeze').split(',').map((m) => m.trim());
  if (modes.length === 0 || modes.some((m) => m !== 'kill' && m !== 'freeze')) throw new Error(`BENCH_MODES: "${process.env.BENCH_MODES}" must list kill and/or freeze, e.g. kill,freeze`);
  const c = {
    rps: Math.round(envNumber('BENCH_RPS', 100, 1)),
    durationS: envNumber('BENCH_DURATION_S', 16, 3),
    warmupS: envNumber('BENCH_WARMUP_S', 4, 1),
    restoreAfterS: envNumber('BENCH_RESTORE_S', 10, 2),
    rounds: Math.round(envNumber('BENCH_ROUNDS', 2, 1)),
    modes: modes as ('kill' | 'freeze')[],
    emulated: process.env.BENCH_EMULATED !== '0',
  };
  if (!(c.warmupS < c.restoreAfterS && c.restoreAfterS < c.durationS)) throw new Error(`need BENCH_WARMUP_S < BENCH_RESTORE_S < BENCH_DURATION_S; got ${c.warmupS}, ${c.restoreAfterS}, ${c.durationS}`);
  return c;
}

function machine() {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model ?? 'unknown', logicalCpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvgAtStart: os.loadavg().map((l) => round(l)) };
}

/** The model's replicas per region from the routing table: what HAProxy is put in front of. */
async function replicasOf(env: MeridianEnv): Promise<{ version: string; replicas: { region: string; index: number; url: string }[] }> {
  const t = await env.api.routingTable();
  const m = t.models[MODEL];
  if (m === undefined) throw new Error(`${MODEL} is not in the routing table`);
  const replicas = m.regions.flatMap((r) => r.versions.flatMap((v) => v.endpoints.map((e) => ({ region: r.region, index: Number(e.id.split('/').pop()), url: e.url }))));
  const version = m.regions[0]?.versions[0]?.version;
  if (version === undefined || replicas.some((r) => !Number.isInteger(r.index))) throw new Error(`unexpected routing table for ${MODEL}: ${JSON.stringify(m)}`);
  return { version, replicas };
}

const rotate = <T>(xs: readonly T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]!);

async function main(): Promise<void> {
  const cfg = readConfig();
  const say = (line: string): void => console.error(`bench:failover: ${line}`);
  const haproxyVersion = ensureHaproxy(say);
  say(`${haproxyVersion}; ${cfg.rps} req/s, ${cfg.durationS} s per drill (failure at ${cfg.warmupS} s, restore at ${cfg.restoreAfterS} s), ${cfg.rounds} round(s), modes ${cfg.modes.join(', ')}`);
  const startedAt = new Date();
  const env = await meridianUp({ root: ROOT, regions: [FAILED, BACKUP], replicasPerRegion: REPLICAS, emulatedRouter: cfg.emulated, say });
  const dir = mkdtempSync(join(os.tmpdir(), 'meridian-bench-haproxy-'));
  let haproxy: Haproxy | undefined;
  const onSigint = (): void => {
    killAllHaproxies();
    killAllMeridianEnvs();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  const runs: DrillRun[] = [];
  try {
    const info = (await env.api.regions()).find((r) => r.code === FAILED);
    if (info === undefined) throw new Error(`${FAILED} is not in the region catalog`);
    // Clients stand in the failed region (the drill's default --from), so geoproximity sends them there.
    const plan: LoadPlan = { model: MODEL, rps: cfg.rps, durationS: cfg.durationS, from: [{ latitude: info.latitude, longitude: info.longitude }], country: info.country, timeoutMs: DEFAULT_TIMEOUT_MS };
    const clientHeaders = { 'meridian-client-location': `${info.latitude},${info.longitude}`, 'meridian-client-country': info.country };

    const { version, replicas } = await replicasOf(env);
    const servers: HaproxyServer[] = replicas.map((r) => {
      const u = new URL(r.url);
      return { name: serverName(r.region, r.index), host: u.hostname, port: Number(u.port), backup: r.region !== FAILED };
    });
    haproxy = await startHaproxy(dir, servers, oipPath(MODEL, version, 'ready'));
    say(`haproxy at ${haproxy.url} (pid ${haproxy.pid}) in front of ${servers.map((s) => `${s.name}${s.backup ? ' (backup)' : ''}`).join(', ')}`);
    await waitHaproxyUp(haproxy);

    const urls: Record<ProxyKind, string | undefined> = { meridian: env.routerUrl, haproxy: haproxy.url, 'meridian-emulated': env.emulatedRouterUrl };
    const proxies = (['meridian', 'haproxy', 'meridian-emulated'] as const).filter((p) => urls[p] !== undefined);
    for (let round = 1; round <= cfg.rounds; round++) {
      for (const mode of cfg.modes) {
        for (const proxy of rotate(proxies, round - 1)) {
          const url = urls[proxy]!;
          // Everything back to normal first: replicas running, HAProxy pointing at them and every
          // server UP, and the proxy under test serving the clients from us-east-1.
          await waitReplicasRunning(env.api, MODEL);
          await syncHaproxy(haproxy, (await replicasOf(env)).replicas);
          await waitHaproxyUp(haproxy);
          await waitServedBy(url, MODEL, BODY, clientHeaders, FAILED);
          await new Promise((r) => setTimeout(r, 1000));
          say(`round ${round}: ${mode} ${FAILED} via ${PROXY_LABEL[proxy]} …`);
          const control = proxy === 'haproxy' ? haproxyControl(env.api, haproxy) : env.api;
          const h = haproxy;
          const side = proxy === 'haproxy' ? { sentToRegion: haproxySessionsTo(h, FAILED), states: () => h.serverStates() } : { sentToRegion: routerAttemptsTo(url, FAILED) };
          const run = await runDrill({ proxy, mode, round, url, plan, region: FAILED, otherRegions: [BACKUP], warmupS: cfg.warmupS, restoreAfterS: cfg.restoreAfterS }, control, side);
          const r = run.report;
          say(
            `  ${r.failedRequests}/${r.totalRequests} failed ${JSON.stringify(r.load.statusCounts)}; stopped sending after ${r.timeToStopSendingMs} ms; all elsewhere after ${String(r.timeToAllElsewhereMs)} ms; ` +
              `outage p50 ${String(r.outageLatencyMs.p50)} p99 ${String(r.outageLatencyMs.p99)} ms, first-2 s p99 ${String(r.outageFirst2sP99Ms)} ms; back after ${String(r.timeToReturnMs)} ms; ` +
              `proxy last sent there ≤ ${String(run.proxySide?.lastSentAfterFailureMs)} ms after; send lag p99 ${String(r.load.sendLagMs.p99)} ms; machine busy ${String(run.machineBusyPct)}%${r.warnings.length > 0 ? `; warnings: ${r.warnings.join(' | ')}` : ''}`,
          );
          runs.push(run);
        }
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    await haproxy?.stop();
    await env.down();
    rmSync(dir, { recursive: true, force: true });
  }

  const cells = summarizeCells(runs);
  const result = {
    bench: 'failover',
    date: startedAt.toISOString(),
    machine: machine(),
    config: {
      ...cfg,
      model: MODEL,
      failedRegion: FAILED,
      backupRegion: BACKUP,
      replicasPerRegion: REPLICAS,
      latencyEmulation: cfg.emulated
        ? 'off for the Meridian router that `meridian up` starts and for HAProxy (compared side by side); on for a second Meridian router at the new-york edge (extra row)'
        : 'off for both (meridian up --no-latency-emulation; HAProxy has none)',
      haproxy: { version: haproxyVersion, config: haproxy?.config ?? null },
      engineDefaults: ENGINE_DEFAULTS,
      goals: GOALS,
    },
    summary: cells,
    verdicts: verdicts(cells),
    ratios: ratios(cells),
    runs,
  };
  const file = writeResults(ROOT, 'failover', startedAt, result);

  console.log(resultsTable(cells).join('\n'));
  console.log('');
  for (const v of result.verdicts) console.log(`${v.met ? 'MET    ' : 'NOT MET'}  ${PROXY_LABEL[v.proxy]}: ${v.goal} — ${v.measured}`);
  console.log('');
  for (const x of result.ratios) console.log(`${x.mode} ${x.figure}: HAProxy ${String(x.haproxy)} vs Meridian ${String(x.meridian)}${x.ratio === null ? '' : ` (${x.ratio}×)`}`);
  console.log(`\nresults: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  killAllHaproxies();
  killAllMeridianEnvs();
  process.exit(1);
});
