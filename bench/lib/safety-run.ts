// One bench:safety run: deploy one candidate with one strategy while the load runs, wait for the
// rollout to end (a pause — an inconclusive verdict — is recorded, then aborted), then read what
// happened from three sides: the control plane (status, /analysis verdicts, events with times, the
// `strategy.reverted` log line with revertMs), the router (when its routing table changed: the
// state file's mtime, safety-tables.ts) and the users (every response in the run's window, with
// the version that answered).
import type { AnalysisRun, EventRecord, Rollout, StrategySpec } from '../../src/api/contract.js';
import { revertLogLines, type SafetyEnv } from './safety-env.js';
import { isOk, type LoadRecord, type LoadRun } from './safety-load.js';
import { counterDelta, exposes, routerCounters, type TableWatch } from './safety-tables.js';
import { machineBusyMs } from './serve-process.js';

export type StrategyName = 'canary' | 'blue-green' | 'shadow' | 'blue-green-direct';

export interface RunInput {
  strategyName: StrategyName;
  strategy: StrategySpec;
  candidate: { key: string; version: string; good: boolean; fault: string };
  /** The version serving when the run started. */
  stable: string;
  region: string;
  replicas: number;
  /** Give up on a rollout after this long (abort it). */
  maxRolloutMs: number;
  /** Wait this long for requests sent before the end to finish (the client timeout). */
  settleMs: number;
}

export interface SafetyRun {
  strategy: StrategyName;
  candidate: string;
  version: string;
  good: boolean;
  fault: string;
  stable: string;
  rolloutId: number;
  status: string;
  reason: string | null;
  /** The paused rollout's reason when analysis was inconclusive (the bench then aborted it). */
  pausedReason: string | null;
  /** The judges that failed, per analysis run that failed: "step label: judge (reason)". */
  failedJudges: { step: string; judge: string; reason: string }[];
  /** Judges that were inconclusive in the last analysis run. */
  inconclusiveJudges: { step: string; judge: string; reason: string }[];
  analysisRuns: { step: string; result: string; at: string; verdicts: { judge: string; result: string; samples: { candidate: number; baseline: number } }[] }[];
  /** Epoch ms. */
  times: {
    deployAt: number;
    /** First strategy.step event: the candidate's traffic (or mirror) was decided. */
    firstStepAt: number | null;
    /** First table the router routed by that gave the candidate traffic or mirror copies. */
    routerExposedAt: number | null;
    verdictAt: number | null;
    revertedEventAt: number | null;
    /** First table after the verdict without the candidate's traffic or mirror (router state file mtime). */
    routerRevertedAt: number | null;
    pausedAt: number | null;
    endAt: number;
  };
  durationMs: number;
  /** Verdict (analysis.fail event) → … in ms; null without a failing verdict. */
  rollback: {
    revertEventMs: number | null;
    /** The control plane's own figure: verdict recorded → table published (its log). */
    controlPlaneRevertMs: number | null;
    /** The router switched to a table without the candidate (its state file's mtime: coarse clock, may read up to a tick early). */
    routerTableMs: number | null;
    /** The same as this bench's watcher saw it (polls every 10 ms): an upper bound. The goal is judged on this one. */
    routerTableSeenMs: number | null;
    /** The last user request the candidate answered was sent this long after the verdict (negative: before it). */
    lastCandidateSentMs: number | null;
    /** …and its answer arrived this long after the verdict. */
    lastCandidateDoneMs: number | null;
    /** After a pause the bench aborts: abort request → router table without the candidate. */
    abortRouterTableMs: number | null;
  };
  /** The router's own counters for the candidate's version over the run (attempts by role/result, ejections, mirror copies). */
  router: Record<string, number>;
  /** Users' side, over the requests sent between the deploy and the end of the rollout. */
  users: {
    requests: number;
    ok: number;
    errors: number;
    /** Non-2xx answers and client-side failures by category (status or error). */
    errorKinds: Record<string, number>;
    /** Error answers carrying the candidate's version header. */
    candidateErrors: number;
    /** Answers (any status) from the candidate. */
    candidateAnswered: number;
    candidateShare: number;
    /** The same share over the requests sent between the first step and the verdict (end without one): the exposure window. */
    exposureWindowRequests: number;
    exposureWindowCandidate: number;
    exposureWindowShare: number | null;
    skipped: number;
    /** The first 100 user-visible errors: ms after the deploy (send time), what, which version answered. */
    errorTimeline: { atMs: number; kind: string; version: string | null }[];
    sendLagP99Ms: number;
    latencyP50Ms: number | null;
    latencyP99Ms: number | null;
  };
  machineBusyPct: number | null;
  events: { time: string; kind: string; message: string }[];
}

const TERMINAL = new Set(['succeeded', 'halted', 'rolled_back', 'aborted']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

const r1 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

export async function runOne(env: SafetyEnv, load: LoadRun, tables: TableWatch, i: RunInput, say: (line: string) => void): Promise<SafetyRun> {
  const counters0 = await routerCounters(env.routerUrl, i.candidate.version);
  const busy0 = machineBusyMs();
  const deployAt = Date.now();
  let rollout: Rollout = await env.api.deploy('iris', { version: i.candidate.version, regions: [i.region], onFailure: 'rollback', replicas: i.replicas, strategy: i.strategy });
  const id = rollout.id;
  let pausedAt: number | null = null;
  let pausedReason: string | null = null;
  let lastStatus = '';
  for (;;) {
    await sleep(200);
    rollout = await env.api.rollout(id);
    if (rollout.status !== lastStatus) {
      say(`    rollout ${id}: ${rollout.status}${rollout.reason !== null ? ` (${rollout.reason.slice(0, 160)})` : ''}`);
      lastStatus = rollout.status;
    }
    if (TERMINAL.has(rollout.status)) break;
    if (rollout.status === 'paused' && pausedAt === null) {
      pausedAt = Date.now();
      pausedReason = rollout.reason;
      await env.api.rolloutCommand(id, 'abort');
    }
    if (Date.now() - deployAt > i.maxRolloutMs && pausedAt === null) {
      pausedAt = Date.now();
      pausedReason = `bench: no end after ${i.maxRolloutMs} ms; aborted`;
      await env.api.rolloutCommand(id, 'abort');
    }
  }
  const endAt = Date.now();
  const busy1 = machineBusyMs();
  await load.settled(endAt, i.settleMs);
  const routerCounts = counterDelta(counters0, await routerCounters(env.routerUrl, i.candidate.version));

  const [analysis, events] = await Promise.all([env.api.analysis(id), env.api.events({ rollout: id, limit: 1000 })]);
  const logLine = revertLogLines(env).find((l) => l.rolloutId === id);
  const at = (e: EventRecord | undefined): number | null => (e === undefined ? null : Date.parse(e.time));
  const firstStepAt = at(events.find((e) => e.kind === 'strategy.step'));
  const verdictAt = at(events.find((e) => e.kind === 'analysis.fail'));
  const revertedEventAt = at(events.find((e) => e.kind === 'strategy.reverted'));
  const v = i.candidate.version;
  const routerExposedAt = tables.seen.find((t) => t.at >= deployAt && exposes(t, v))?.at ?? null;
  const revertTable = verdictAt === null ? undefined : tables.seen.find((t) => t.seenAt >= verdictAt && !exposes(t, v));
  const routerRevertedAt = revertTable?.at ?? null;
  const abortRevertedAt = pausedAt === null || verdictAt !== null ? null : (tables.seen.find((t) => t.at >= pausedAt && !exposes(t, v))?.at ?? null);

  const window = sliceBySent(load.records, deployAt, endAt);
  const mine = window.filter((r) => r.version === v);
  const failedUser = window.filter((r) => !isOk(r) && r.error !== 'skipped');
  const errorKinds: Record<string, number> = {};
  for (const r of failedUser) {
    const k = r.error ?? String(r.status);
    errorKinds[k] = (errorKinds[k] ?? 0) + 1;
  }
  const exposureEnd = verdictAt ?? pausedAt ?? endAt;
  const exposure = firstStepAt === null ? [] : sliceBySent(load.records, firstStepAt, exposureEnd);
  const exposureMine = exposure.filter((r) => r.version === v).length;
  const lastSent = mine.length > 0 ? Math.max(...mine.map((r) => r.sentAt)) : null;
  const lastDone = mine.length > 0 ? Math.max(...mine.map((r) => r.doneAt).filter(Number.isFinite)) : null;
  const lags = window.map((r) => r.sentAt - r.dueAt).sort((a, b) => a - b);
  const lat = window.filter(isOk).map((r) => r.doneAt - r.dueAt).sort((a, b) => a - b);
  const sent = window.filter((r) => r.error !== 'skipped');

  const label = (run: AnalysisRun): string => run.stepLabel;
  const failedJudges = analysis.filter((a) => a.result === 'fail').flatMap((a) => a.verdicts.filter((x) => x.result === 'fail').map((x) => ({ step: label(a), judge: x.judge, reason: x.reason })));
  const last = analysis.at(-1);
  const inconclusiveJudges = last === undefined || last.result !== 'inconclusive' ? [] : last.verdicts.filter((x) => x.result === 'inconclusive').map((x) => ({ step: label(last), judge: x.judge, reason: x.reason }));
  const sinceVerdict = (t: number | null): number | null => (t === null || verdictAt === null ? null : t - verdictAt);

  return {
    strategy: i.strategyName,
    candidate: i.candidate.key,
    version: v,
    good: i.candidate.good,
    fault: i.candidate.fault,
    stable: i.stable,
    rolloutId: id,
    status: rollout.status,
    reason: rollout.reason,
    pausedReason,
    failedJudges,
    inconclusiveJudges,
    analysisRuns: analysis.map((a) => ({ step: a.stepLabel, result: a.result, at: a.createdAt, verdicts: a.verdicts.map((x) => ({ judge: x.judge, result: x.result, samples: x.samples })) })),
    times: { deployAt, firstStepAt, routerExposedAt, verdictAt, revertedEventAt, routerRevertedAt, pausedAt, endAt },
    durationMs: endAt - deployAt,
    rollback: {
      revertEventMs: sinceVerdict(revertedEventAt),
      controlPlaneRevertMs: logLine === undefined || verdictAt === null ? null : r1(logLine.revertMs),
      routerTableMs: r1(sinceVerdict(routerRevertedAt)),
      routerTableSeenMs: r1(sinceVerdict(revertTable?.seenAt ?? null)),
      lastCandidateSentMs: sinceVerdict(lastSent),
      lastCandidateDoneMs: sinceVerdict(lastDone),
      abortRouterTableMs: abortRevertedAt === null || pausedAt === null ? null : r1(abortRevertedAt - pausedAt),
    },
    router: routerCounts,
    users: {
      requests: sent.length,
      ok: sent.filter(isOk).length,
      errors: failedUser.length,
      errorKinds,
      candidateErrors: mine.filter((r) => !isOk(r)).length,
      candidateAnswered: mine.length,
      candidateShare: sent.length > 0 ? mine.length / sent.length : 0,
      exposureWindowRequests: exposure.filter((r) => r.error !== 'skipped').length,
      exposureWindowCandidate: exposureMine,
      exposureWindowShare: exposure.length > 0 ? exposureMine / exposure.filter((r) => r.error !== 'skipped').length : null,
      skipped: window.length - sent.length,
      errorTimeline: failedUser.slice(0, 100).map((r) => ({ atMs: r.sentAt - deployAt, kind: r.error ?? String(r.status), version: r.version })),
      sendLagP99Ms: r1(nearestRank(lags, 0.99)) ?? 0,
      latencyP50Ms: r1(nearestRank(lat, 0.5)),
      latencyP99Ms: r1(nearestRank(lat, 0.99)),
    },
    machineBusyPct: busy0 === undefined || busy1 === undefined ? null : Math.round((busy1 - busy0) / ((endAt - deployAt) * 2) * 1000) / 10,
    events: events.map((e) => ({ time: e.time, kind: e.kind, message: e.message })),
  };
}

/** Records sent in [from, to] (epoch ms); records are in send order. */
function sliceBySent(records: readonly LoadRecord[], from: number, to: number): LoadRecord[] {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.sentAt < from) lo = mid + 1;
    else hi = mid;
  }
  const out: LoadRecord[] = [];
  for (let k = lo; k < records.length && records[k]!.sentAt <= to; k++) out.push(records[k]!);
  return out;
}

/** Waits until the model's only serving version (weight > 0, no mirror) is known and returns it. */
export async function servingVersion(tables: TableWatch, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = tables.seen.at(-1);
    if (t !== undefined && t.mirror === null) {
      const on = Object.entries(t.weights).filter(([, w]) => w > 0);
      if (on.length === 1) return on[0]![0];
    }
    if (Date.now() > deadline) throw new Error(`the router's table never settled on one version: ${JSON.stringify(t)}`);
    await sleep(100);
  }
}
