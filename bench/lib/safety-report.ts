// bench:safety's summary: one table per strategy (a row per candidate) and issue 5's goals judged
// on every run, each with the worst measured value, so a PASS hides nothing.
import type { SafetyRun } from './safety-run.js';

export const GOALS = {
  everyBadCaught: 'every bad candidate caught: the rollout ended rolled back (or halted) on a failed analysis verdict',
  canaryShare: 'under canary a bad candidate answered ≤ 5% of the requests sent between the deploy and the end of the rollout',
  shadowShare: 'under shadow a bad candidate answered 0% of user requests',
  noGoodRolledBack: 'no good candidate rolled back (or halted)',
  rollbackUnder1s: 'rollback < 1 s: from the failing verdict (analysis.fail event) to the router routing by a table without the candidate (as the bench saw its state file change: an upper bound)',
} as const;

export interface GoalVerdict {
  goal: keyof typeof GOALS;
  text: string;
  met: boolean;
  measured: string;
}

const caught = (r: SafetyRun): boolean => (r.status === 'rolled_back' || r.status === 'halted') && r.failedJudges.length > 0;
const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);
const ms = (x: number | null): string => (x === null ? '–' : String(Math.round(x)));

export function verdicts(runs: readonly SafetyRun[]): GoalVerdict[] {
  const bad = runs.filter((r) => !r.good);
  const good = runs.filter((r) => r.good);
  const out: GoalVerdict[] = [];
  const missed = bad.filter((r) => !caught(r));
  out.push({ goal: 'everyBadCaught', text: GOALS.everyBadCaught, met: missed.length === 0 && bad.length > 0, measured: `${bad.length - missed.length}/${bad.length} caught${missed.length > 0 ? `; not caught: ${missed.map((r) => `${r.strategy} ${r.candidate} → ${r.status}${r.pausedReason !== null ? ' (paused: inconclusive)' : ''}`).join(', ')}` : ''}` });
  const canary = bad.filter((r) => r.strategy === 'canary');
  if (canary.length > 0) {
    const worst = canary.reduce((a, b) => (b.users.candidateShare > a.users.candidateShare ? b : a));
    const worstStep = Math.max(...canary.map((r) => r.users.exposureWindowShare ?? 0));
    out.push({ goal: 'canaryShare', text: GOALS.canaryShare, met: canary.every((r) => r.users.candidateShare <= 0.05), measured: `worst ${pct(worst.users.candidateShare)} (${worst.candidate}: ${worst.users.candidateAnswered}/${worst.users.requests}); within the 5% step itself (first step → verdict) up to ${pct(worstStep)}` });
  }
  const shadow = bad.filter((r) => r.strategy === 'shadow');
  if (shadow.length > 0) {
    const total = shadow.reduce((a, r) => a + r.users.candidateAnswered, 0);
    out.push({ goal: 'shadowShare', text: GOALS.shadowShare, met: total === 0, measured: `${total} user responses from bad candidates over ${shadow.reduce((a, r) => a + r.users.requests, 0)} requests` });
  }
  const rolledBack = good.filter((r) => r.status === 'rolled_back' || r.status === 'halted');
  const paused = good.filter((r) => r.pausedReason !== null);
  out.push({ goal: 'noGoodRolledBack', text: GOALS.noGoodRolledBack, met: rolledBack.length === 0 && good.length > 0, measured: `${good.filter((r) => r.status === 'succeeded').length}/${good.length} promoted${rolledBack.length > 0 ? `; rolled back: ${rolledBack.map((r) => `${r.strategy} ${r.candidate}`).join(', ')}` : ''}${paused.length > 0 ? `; paused (inconclusive), then aborted by the bench: ${paused.map((r) => `${r.strategy} ${r.candidate}`).join(', ')}` : ''}` });
  const reverted = runs.filter((r) => r.times.verdictAt !== null);
  if (reverted.length > 0) {
    const known = reverted.map((r) => r.rollback.routerTableSeenMs).filter((x): x is number => x !== null);
    const sentAfter = reverted.map((r) => r.rollback.lastCandidateSentMs).filter((x): x is number => x !== null);
    out.push({
      goal: 'rollbackUnder1s',
      text: GOALS.rollbackUnder1s,
      met: known.length === reverted.length && known.every((x) => x < 1000),
      measured: `router table: max ${ms(Math.max(...known))} ms, median ${ms(median(known))} ms over ${known.length}/${reverted.length} reverts; last user request the candidate answered was sent ≤ ${ms(sentAfter.length > 0 ? Math.max(...sentAfter) : null)} ms after the verdict`,
    });
  }
  return out;
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function judgesOf(r: SafetyRun): string {
  if (r.failedJudges.length > 0) return [...new Set(r.failedJudges.map((j) => `${j.judge} @ ${j.step}`))].join(', ');
  if (r.inconclusiveJudges.length > 0) return `inconclusive: ${[...new Set(r.inconclusiveJudges.map((j) => `${j.judge} @ ${j.step}`))].join(', ')}`;
  return '–';
}

/** The router's attempts at the candidate (all roles: primary, retry, hedge, mirror) and how many failed (5xx, timeout, connection errors; not hedges abandoned because the other copy answered); its outlier ejections of the candidate's endpoints. */
function attempts(r: SafetyRun): string {
  let total = 0;
  let failed = 0;
  for (const [k, n] of Object.entries(r.router)) {
    if (!k.startsWith('upstream_attempts')) continue;
    total += n;
    if (/result=(http_5xx|timeout|reset|refused|network)/.test(k)) failed += n;
  }
  return `${total} (${failed}), ${r.router.outlier_ejections ?? 0}`;
}

export function tables(runs: readonly SafetyRun[]): string[] {
  const lines: string[] = [];
  for (const s of [...new Set(runs.map((r) => r.strategy))]) {
    lines.push(`### ${s}`, '');
    lines.push('| candidate | stable | status | failed judges @ step | candidate answered / requests (share) | share in exposure window | user errors | router → candidate: attempts (failed), ejections | verdict → router table (ms, mtime / seen) | verdict → last candidate request sent / answered (ms) | verdict → reverted event (ms) | revertMs (control plane) | duration (s) | machine busy % |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of runs.filter((x) => x.strategy === s)) {
      const errs = (r.users.errors === 0 ? '0' : `${r.users.errors} (${Object.entries(r.users.errorKinds).map(([k, n]) => `${k}×${n}`).join(', ')})`) + (r.users.skipped > 0 ? `; ${r.users.skipped} not sent (client in-flight limit)` : '');
      lines.push(
        `| ${r.candidate} | ${r.stable} | ${r.status}${r.pausedReason !== null ? ' (paused → aborted)' : ''} | ${judgesOf(r)} | ${r.users.candidateAnswered} / ${r.users.requests} (${pct(r.users.candidateShare)}) | ${pct(r.users.exposureWindowShare)} | ${errs} | ${attempts(r)} | ${ms(r.rollback.routerTableMs)} / ${ms(r.rollback.routerTableSeenMs)} | ${ms(r.rollback.lastCandidateSentMs)} / ${ms(r.rollback.lastCandidateDoneMs)} | ${ms(r.rollback.revertEventMs)} | ${ms(r.rollback.controlPlaneRevertMs)} | ${(r.durationMs / 1000).toFixed(1)} | ${r.machineBusyPct ?? '–'} |`,
      );
    }
    lines.push('');
  }
  return lines;
}
