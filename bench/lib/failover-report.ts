// bench:failover's summary: per mode × proxy, the drill's figures (median and worst over rounds),
// issue 4's goals judged on every Meridian run, and HAProxy ÷ Meridian ratios.
import type { DrillRun, ProxyKind } from './failover-run.js';
import { median } from './stats.js';

/** Issue 4, bench:failover. */
export const GOALS = {
  maxFailed: 0,
  maxStopSendingMs: 1000,
  maxFreezeFirst2sP99Ms: 250,
  maxReturnMs: 2000,
} as const;

export const PROXY_LABEL: Record<ProxyKind, string> = {
  meridian: 'Meridian router',
  haproxy: 'HAProxy 2.6',
  'meridian-emulated': 'Meridian router, new-york edge, emulated distance',
};

export interface CellSummary {
  proxy: ProxyKind;
  mode: 'kill' | 'freeze';
  runs: number;
  failed: number[];
  total: number[];
  stopSendingMs: number[];
  allElsewhereMs: (number | null)[];
  outageP50Ms: (number | null)[];
  outageP99Ms: (number | null)[];
  first2sP99Ms: (number | null)[];
  returnMs: (number | null)[];
  failedAfterRestore: number[];
  sendLagP99Ms: (number | null)[];
  machineBusyPct: (number | null)[];
  /** From the proxy's own counters (upper bound, 100 ms polls): when it last sent anything to the region. */
  proxyLastSentMs: (number | null)[];
  /** HAProxy: when its active checks had marked the whole region DOWN. */
  regionDownMs: (number | null)[];
}

export function summarizeCells(runs: readonly DrillRun[]): CellSummary[] {
  const keys = [...new Set(runs.map((r) => `${r.mode}|${r.proxy}`))];
  return keys.map((k) => {
    const [mode, proxy] = k.split('|') as ['kill' | 'freeze', ProxyKind];
    const rs = runs.filter((r) => r.mode === mode && r.proxy === proxy).map((r) => ({ ...r.report, busy: r.machineBusyPct, side: r.proxySide }));
    return {
      proxy,
      mode,
      runs: rs.length,
      failed: rs.map((r) => r.failedRequests),
      total: rs.map((r) => r.totalRequests),
      stopSendingMs: rs.map((r) => r.timeToStopSendingMs),
      allElsewhereMs: rs.map((r) => r.timeToAllElsewhereMs),
      outageP50Ms: rs.map((r) => r.outageLatencyMs.p50),
      outageP99Ms: rs.map((r) => r.outageLatencyMs.p99),
      first2sP99Ms: rs.map((r) => r.outageFirst2sP99Ms),
      returnMs: rs.map((r) => r.timeToReturnMs),
      failedAfterRestore: rs.map((r) => r.failedByPhase.afterRestore),
      sendLagP99Ms: rs.map((r) => r.load.sendLagMs.p99),
      machineBusyPct: rs.map((r) => r.busy),
      proxyLastSentMs: rs.map((r) => r.side?.lastSentAfterFailureMs ?? null),
      regionDownMs: rs.map((r) => r.side?.regionDownAfterFailureMs ?? null),
    };
  });
}

/** null (never happened) counts as worse than any number. */
const worst = (xs: readonly (number | null)[]): number | null => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));
const med = (xs: readonly (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : median(v);
};
const ms = (x: number | null, never = 'never'): string => (x === null ? never : `${Math.round(x)}`);
const list = (xs: readonly (number | null)[], never = 'never'): string => xs.map((x) => ms(x, never)).join(' / ');

/** The main table: every run's figures, one row per mode × proxy (runs separated by " / "). */
export function resultsTable(cells: readonly CellSummary[]): string[] {
  const order: ProxyKind[] = ['meridian', 'haproxy', 'meridian-emulated'];
  const sorted = [...cells].sort((a, b) => a.mode.localeCompare(b.mode) * -1 || order.indexOf(a.proxy) - order.indexOf(b.proxy));
  return [
    '| mode | proxy | failed / total | region answered until (ms after failure) | proxy sent there until (ms, ≤) | all traffic elsewhere after (ms) | outage p50 (ms) | outage p99 (ms) | p99 first 2 s (ms) | traffic back after restore (ms) | failed after restore | send lag p99 (ms) | machine busy % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...sorted.map(
      (c) =>
        `| ${[
        c.mode,
        PROXY_LABEL[c.proxy],
        c.failed.map((f, i) => `${f} / ${c.total[i]}`).join(', '),
        list(c.stopSendingMs),
        list(c.proxyLastSentMs, 'none'),
        list(c.allElsewhereMs),
        list(c.outageP50Ms),
        list(c.outageP99Ms),
        list(c.first2sP99Ms),
        list(c.returnMs),
        c.failedAfterRestore.join(' / '),
        c.sendLagP99Ms.map((x) => (x === null ? '-' : x.toFixed(1))).join(' / '),
        c.machineBusyPct.map((x) => (x === null ? '-' : x.toFixed(0))).join(' / '),
      ].join(' | ')} |`,
    ),
  ];
}

export interface Verdict {
  goal: string;
  proxy: ProxyKind;
  /** The worst value over the runs, as text. */
  measured: string;
  met: boolean;
}

/** Issue 4's goals, judged on every run of a Meridian router (worst run decides). */
export function verdicts(cells: readonly CellSummary[]): Verdict[] {
  const out: Verdict[] = [];
  for (const proxy of ['meridian', 'meridian-emulated'] as const) {
    const kill = cells.find((c) => c.proxy === proxy && c.mode === 'kill');
    const freeze = cells.find((c) => c.proxy === proxy && c.mode === 'freeze');
    if (kill === undefined || freeze === undefined) continue;
    const both = [kill, freeze];
    const failed = both.flatMap((c) => c.failed);
    out.push({ goal: 'zero failed requests, kill and freeze', proxy, measured: `kill ${kill.failed.join(', ')}; freeze ${freeze.failed.join(', ')}`, met: Math.max(...failed) <= GOALS.maxFailed });
    // Both views: the last request the region answered (what clients saw) and the router's own
    // count of attempts sent there (what they did not: attempts abandoned for a hedge elsewhere).
    const stop = both.flatMap((c) => c.stopSendingMs.map((x, i) => Math.max(x, c.proxyLastSentMs[i] ?? 0)));
    out.push({
      goal: `no request sent to the failed region > ${GOALS.maxStopSendingMs} ms after the failure`,
      proxy,
      measured: `worst ${Math.round(Math.max(...stop))} ms (answered by the region until: kill ${list(kill.stopSendingMs)}, freeze ${list(freeze.stopSendingMs)}; router attempts there until ≤: kill ${list(kill.proxyLastSentMs, 'none')}, freeze ${list(freeze.proxyLastSentMs, 'none')})`,
      met: Math.max(...stop) <= GOALS.maxStopSendingMs,
    });
    const p99 = worst(freeze.first2sP99Ms);
    out.push({ goal: `p99 in the first 2 s of a freeze ≤ ${GOALS.maxFreezeFirst2sP99Ms} ms`, proxy, measured: `worst ${ms(p99)} ms (${list(freeze.first2sP99Ms)})`, met: p99 !== null && p99 <= GOALS.maxFreezeFirst2sP99Ms });
    const back = worst(both.flatMap((c) => c.returnMs));
    const errorsAfter = both.flatMap((c) => c.failedAfterRestore).reduce((a, b) => a + b, 0);
    out.push({
      goal: `traffic back to the recovered region within ${GOALS.maxReturnMs} ms, without errors`,
      proxy,
      measured: `worst ${ms(back)} ms (kill ${list(kill.returnMs)}; freeze ${list(freeze.returnMs)}); ${errorsAfter} failed after the restore`,
      met: back !== null && back <= GOALS.maxReturnMs && errorsAfter === 0,
    });
  }
  return out;
}

export interface Ratio {
  mode: 'kill' | 'freeze';
  figure: string;
  haproxy: number | null;
  meridian: number | null;
  /** HAProxy ÷ Meridian on the medians; null when either is missing or Meridian's is 0. */
  ratio: number | null;
}

/** HAProxy ÷ Meridian (both with emulation off, same processes, same load), on the medians. */
export function ratios(cells: readonly CellSummary[]): Ratio[] {
  const out: Ratio[] = [];
  for (const mode of ['kill', 'freeze'] as const) {
    const h = cells.find((c) => c.proxy === 'haproxy' && c.mode === mode);
    const m = cells.find((c) => c.proxy === 'meridian' && c.mode === mode);
    if (h === undefined || m === undefined) continue;
    const add = (figure: string, pick: (c: CellSummary) => readonly (number | null)[]): void => {
      const a = med(pick(h));
      const b = med(pick(m));
      out.push({ mode, figure, haproxy: a, meridian: b, ratio: a === null || b === null || b === 0 ? null : Math.round((a / b) * 10) / 10 });
    };
    add('failed requests', (c) => c.failed);
    add('region answered until (ms after failure)', (c) => c.stopSendingMs);
    add('proxy sent there until (ms, ≤)', (c) => c.proxyLastSentMs);
    add('all traffic elsewhere after (ms)', (c) => c.allElsewhereMs);
    add('outage p99 (ms)', (c) => c.outageP99Ms);
    add('p99 first 2 s (ms)', (c) => c.first2sP99Ms);
    add('traffic back after restore (ms)', (c) => c.returnMs);
  }
  return out;
}
