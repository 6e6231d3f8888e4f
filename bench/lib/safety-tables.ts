// When did the router start routing by a new table? The router writes its state file (tmp +
// rename) in RoutingTableSource.accept, right before it hands the table to the engine, so the
// file's mtime is the moment the router switched (src/router/table-source.ts). This watcher polls
// the file's mtime every `intervalMs` and keeps, per revision, what the model's table said about
// the candidate: its weight and its mirror share. A revision replaced again within one poll is
// missed; the next one is then seen with its own (later) mtime, so times err late, never early.
import { readFileSync, statSync } from 'node:fs';
import type { RoutingTable } from '../../src/core/routing-table.js';

export interface TableSeen {
  revision: number;
  /** The state file's mtime: when the router accepted this table (epoch ms; the kernel's coarse clock, so up to a tick early). */
  at: number;
  /** When this watcher saw it (epoch ms): an upper bound, at most one poll interval (plus this process's own delays) late. */
  seenAt: number;
  /** Per version of the model (all regions together): weight; and the mirror version with its percent. */
  weights: Record<string, number>;
  mirror: { version: string; percent: number } | null;
  sampleRate: number | null;
}

export interface TableWatch {
  readonly seen: TableSeen[];
  stop(): void;
}

export function watchRouterTable(file: string, model: string, intervalMs = 10): TableWatch {
  const seen: TableSeen[] = [];
  let lastMtime = 0;
  let lastRevision = -1;
  const poll = (): void => {
    try {
      const st = statSync(file);
      if (st.mtimeMs === lastMtime) return;
      const t = JSON.parse(readFileSync(file, 'utf8')) as RoutingTable;
      lastMtime = st.mtimeMs;
      if (t.revision === lastRevision) return;
      lastRevision = t.revision;
      const m = t.models[model];
      const weights: Record<string, number> = {};
      let mirror: TableSeen['mirror'] = null;
      for (const r of m?.regions ?? []) {
        for (const v of r.versions) weights[v.version] = (weights[v.version] ?? 0) + v.weight;
        if (r.mirror !== undefined) mirror = { version: r.mirror.version, percent: r.mirror.percent };
      }
      seen.push({ revision: t.revision, at: st.mtimeMs, seenAt: Date.now(), weights, mirror, sampleRate: m?.sampleRate ?? null });
    } catch {
      // not written yet, or caught between write and rename: next poll
    }
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    seen,
    stop: () => clearInterval(timer),
  };
}

/** Whether a table gives `version` any user traffic or mirror copies. */
export function exposes(t: TableSeen, version: string): boolean {
  return (t.weights[version] ?? 0) > 0 || t.mirror?.version === version;
}

const COUNTERS = ['meridian_router_upstream_attempts_total', 'meridian_router_outlier_ejections_total', 'meridian_router_mirror_requests_total', 'meridian_router_shed_requests_total'];

/**
 * The router's counters that concern `version` (its Prometheus `/metrics`, lines labelled
 * version="…"), keyed by metric name and the other labels that matter (role, result, reason);
 * plus the requests it shed (503 while its own event loop was behind), which have no version.
 */
export async function routerCounters(routerUrl: string, version: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`${routerUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    for (const line of text.split('\n')) {
      const m = /^(\w+)\{([^}]*)\}\s+(\S+)$/.exec(line);
      if (m === null || !COUNTERS.includes(m[1]!)) continue;
      const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
      // Load shedding is per model (no version): the router itself was overloaded.
      if (labels.version !== version && m[1] !== 'meridian_router_shed_requests_total') continue;
      const rest = ['role', 'result', 'reason'].filter((k) => labels[k] !== undefined).map((k) => `${k}=${labels[k]!}`).join(',');
      const key = `${m[1]!.replace(/^meridian_router_/, '').replace(/_total$/, '')}${rest === '' ? '' : `{${rest}}`}`;
      out[key] = (out[key] ?? 0) + Number(m[3]);
    }
  } catch {
    // the router did not answer: no counters for this run
  }
  return out;
}

/** after − before, keeping what changed. */
export function counterDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
