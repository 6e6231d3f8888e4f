// `meridian analysis ROLLOUT`: every verdict of a strategy rollout — per step and region, each
// judge's measured values against its thresholds, with sample sizes — so a user sees exactly why
// a rollout was promoted, paused or rolled back.
import type { AnalysisRun } from '../../api/contract.js';
import { noExtraArgs } from '../args.js';
import { apiClient, printJson } from '../command.js';
import { HELP_SHOWN, parseOutputCommand } from '../output-command.js';
import { formatTime } from '../render/format.js';
import { formatTable } from '../render/table.js';
import { rolloutIdArg } from './rollout-control.js';

const HELP = `Usage: meridian analysis ROLLOUT [--output json]

The analysis of a canary, blue/green or shadow rollout: for each step and region, each judge's
verdict (pass, fail, inconclusive), what it measured, the thresholds, and the sample sizes.

Judges (thresholds can be set with deploy --analysis K=V,… or the manifest's strategy.analysis):
  error-rate            candidate share of 5xx/timeouts must stay under a maximum
  latency-p99           candidate p99 of successful requests under a maximum
  latency-mann-whitney  candidate latencies not shifted above the baseline's (one-sided
                        Mann–Whitney U at a stated confidence, plus a minimum effect size)
  output-shift          predicted-class shares and score distributions of candidate vs baseline
                        on the same period (total variation, PSI, Kolmogorov–Smirnov)
  shadow-agreement      shadow only: same top class on the very same requests, mean |Δscore|
Too few samples is "inconclusive", with the reason; the rollout then pauses.`;

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

function kv(o: Record<string, number | null>): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');
}

export function renderAnalysis(runs: readonly AnalysisRun[]): string[] {
  const out: string[] = [];
  for (const r of runs) {
    out.push(`wave ${r.wave + 1} · step ${r.step + 1} (${r.stepLabel}) · ${r.region}: ${r.result.toUpperCase()}   window ${formatTime(r.from)} → ${formatTime(r.to)}`);
    const rows = r.verdicts.map((v) => [v.judge, v.result, kv(v.measured), kv(v.thresholds), `${v.samples.candidate}/${v.samples.baseline}`, v.reason]);
    out.push(...formatTable(['JUDGE', 'RESULT', 'MEASURED', 'THRESHOLDS', 'SAMPLES (cand/base)', 'REASON'], rows).map((l) => `  ${l}`), '');
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const cmd = parseOutputCommand(argv, HELP, {});
  if (cmd === HELP_SHOWN) return 0;
  const { positionals, output } = cmd;
  const id = rolloutIdArg(positionals[0], 'analysis');
  noExtraArgs(positionals, 1, 'analysis');
  const client = apiClient();
  const [rollout, runs] = await Promise.all([client.rollout(id), client.analysis(id)]);
  if (output === 'json') {
    printJson({ rollout: { id: rollout.id, model: rollout.model, toVersion: rollout.toVersion, status: rollout.status, reason: rollout.reason, strategy: rollout.strategy, progress: rollout.progress }, analysis: runs });
    return 0;
  }
  console.log(`Rollout ${rollout.id}: ${rollout.model} ${rollout.fromVersion ?? '(none)'} → ${rollout.toVersion}, ${rollout.strategy.type}, ${rollout.status}${rollout.reason !== null ? ` — ${rollout.reason}` : ''}`);
  if (runs.length === 0) {
    console.log(rollout.strategy.type === 'all-at-once' ? 'All-at-once rollouts have no analysis steps (regions are verified instead: `meridian history`).' : 'No analysis yet: the first step is still baking.');
    return 0;
  }
  console.log('');
  for (const l of renderAnalysis(runs)) console.log(l);
  return 0;
}
