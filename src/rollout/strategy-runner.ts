// Runs a release strategy inside one wave, one decision per call, like the reconciler it belongs
// to: apply the current step's traffic, bake, judge, advance — or pause, or fail the wave. Every
// decision is recorded (progress + placements in one transaction) before the routers hear of it,
// so a control plane killed mid-step resumes the same step; the strategy never sleeps beyond the
// next thing it has to look at.
import { messageOf } from '../core/errors.js';
import type { PlanStep, StrategyProgress } from '../core/strategy.js';
import { INITIAL_PROGRESS } from '../core/strategy.js';
import type { CandidateChange, RolloutRecord, RolloutRegionRecord } from '../store/rollouts-repo.js';
import type { NewAnalysisRun } from '../store/analysis-repo.js';
import { judgeStep, type StepJudgement } from './step-analysis.js';
import type { ReconcilerDeps } from './ports.js';
import { planSteps, stepLabel, trafficOf } from './strategies/plan.js';

const ACTOR = 'reconciler';

/** How often a baking step looks at the samples for an early failure (errors, hangs, slowness). */
export const EARLY_CHECK_MS = 1000;
/** A paused rollout re-reads its state at least this often (a nudge wakes it at once). */
const PAUSED_POLL_MS = 30_000;
/** Blue's window before a switch when the switch itself has no bake. */
const SWITCH_BASELINE_MS = 30_000;

/** Whether a strategy moves this region's traffic: it has a stable version to compare with. */
export function hasStableVersion(r: Pick<RolloutRecord, 'toVersion'>, x: Pick<RolloutRegionRecord, 'previousVersion'>): boolean {
  return x.previousVersion !== null && x.previousVersion !== r.toVersion;
}

/** Regions of a wave whose traffic a strategy moves. */
export function gatedRegions(r: RolloutRecord, wave: number): RolloutRegionRecord[] {
  return r.regions.filter((x) => x.wave === wave && hasStableVersion(r, x));
}

export interface StepContext {
  d: ReconcilerDeps;
  /** Aborted by shutdown (rethrown) or a nudge (a command arrived: look again). */
  signal: AbortSignal;
  /** Called when a wave fails analysis or is aborted: mark regions failed; the reconciler handles the rest. */
  failWave(regions: RolloutRegionRecord[], reason: string, code: string): Promise<void>;
}

/** One decision for wave `wave` of rollout `r`, whose regions are all verified. */
export async function strategyStep(ctx: StepContext, r: RolloutRecord, wave: number): Promise<void> {
  const { d } = ctx;
  const plan = planSteps(r.strategy);
  const regions = gatedRegions(r, wave);
  let p: StrategyProgress = r.progress ?? { ...INITIAL_PROGRESS };
  if (p.wave !== wave) {
    p = { ...p, wave, step: 0, stepStartedAt: null };
    if (regions.length > 0 && plan.length > 0) {
      await d.store.rollouts.setProgress(r.id, { wave, step: 0, stepStartedAt: null }, [], { actor: ACTOR, kind: 'strategy.wave_started', message: `wave ${wave + 1}: ${r.strategy.type} of ${r.model}:${r.toVersion} in ${regions.map((x) => x.region).join(', ')} (${plan.length} step(s))` });
      return;
    }
  }
  if (p.step >= plan.length || regions.length === 0) return completeWave(ctx, r, wave);
  const step = plan[p.step]!;
  const label = stepLabel(step, r.strategy);

  if (p.paused !== null) {
    await sleep(ctx, PAUSED_POLL_MS);
    return;
  }
  if (p.stepStartedAt === null) {
    // Apply the step's traffic, record it, then tell the routers.
    const traffic = trafficOf(step, plan[p.step - 1], r.toVersion, r.strategy);
    const next = { stepStartedAt: new Date(d.clock.now()).toISOString() };
    const what = step.kind === 'await-promote' ? 'waiting for `meridian promote`' : step.kind === 'split' ? `${label}: ${fmtPct(traffic.weight)} of requests to ${r.toVersion}` : step.kind === 'mirror' ? `${label}: a copy of ${traffic.mirrorPercent}% of requests to ${r.toVersion}` : `switched: 100% to ${r.toVersion}, ${regions[0]!.previousVersion} kept warm`;
    const bake = 'bakeMs' in step && step.bakeMs > 0 ? `; baking ${step.bakeMs / 1000} s` : '';
    await d.store.rollouts.setProgress(r.id, next, regions.map((x): CandidateChange => ({ region: x.region, candidate: traffic })), {
      actor: ACTOR,
      kind: 'strategy.step',
      message: `wave ${wave + 1}, step ${p.step + 1}/${plan.length}: ${what}${bake}`,
      data: { label, step: p.step, steps: plan.length },
    });
    await d.republish();
    return;
  }
  if (p.promoteRequested !== null) return advance(ctx, r, p, `promoted by ${p.promoteRequested}: skipping the rest of ${label}`);
  if (step.kind === 'await-promote') {
    await sleep(ctx, PAUSED_POLL_MS);
    return;
  }
  const startedMs = Date.parse(p.stepStartedAt);
  const elapsed = d.clock.now() - startedMs;
  const done = elapsed >= step.bakeMs;
  if (!step.analyse) {
    if (done) return advance(ctx, r, p, `${label}: done`);
    await sleep(ctx, step.bakeMs - elapsed);
    return;
  }
  // Analysis: during the bake only a failure counts (caught early); at its end, the verdict decides.
  const judged = judgeRegions(ctx, r, regions, step, startedMs, done ? 'final' : 'early');
  const failed = judged.filter((j) => j.result === 'fail');
  if (failed.length > 0 || done) {
    await recordRuns(ctx, r, wave, p.step, label, judged);
  }
  if (failed.length > 0) {
    const reason = `analysis failed at ${label}: ${failed.map((j) => `${j.region}: ${j.reason}`).join('; ')}`;
    await ctx.failWave(regions, reason, 'ANALYSIS_FAILED');
    return;
  }
  if (!done) {
    await sleep(ctx, Math.min(EARLY_CHECK_MS, step.bakeMs - elapsed));
    return;
  }
  const unsure = judged.filter((j) => j.result === 'inconclusive');
  if (unsure.length > 0) {
    const reason = `analysis inconclusive at ${label}: ${unsure.map((j) => `${j.region}: ${j.reason}`).join('; ')}; \`meridian resume\` repeats the step, \`meridian promote\` goes on, \`meridian abort\` returns to ${regions[0]!.previousVersion}`;
    await d.store.rollouts.setProgress(r.id, { paused: { reason, by: ACTOR } }, [], { actor: ACTOR, kind: 'rollout.paused', message: `rollout ${r.id} paused: ${reason}`, status: 'paused', reason });
    return;
  }
  await advance(ctx, r, p, `${label}: analysis passed in ${regions.map((x) => x.region).join(', ')}`);
}

function judgeRegions(ctx: StepContext, r: RolloutRecord, regions: RolloutRegionRecord[], step: Exclude<PlanStep, { kind: 'await-promote' }>, startedMs: number, mode: 'early' | 'final'): (StepJudgement & { region: string; from: number; to: number })[] {
  const now = ctx.d.clock.now();
  // Blue/green after the switch: green since the switch against blue just before it (as long a
  // window as the switch's bake, so both sides see comparable traffic) — the step before the switch
  // (shadow, or measuring blue) had every request recorded.
  const baselineFrom = step.kind === 'switch' ? startedMs - (step.bakeMs > 0 ? step.bakeMs : SWITCH_BASELINE_MS) : startedMs;
  const samples = ctx.d.analysis.samples(r.model, Math.min(baselineFrom, startedMs), now);
  return regions.map((x) => {
    const j = judgeStep({ kind: step.kind, samples, region: x.region, candidate: r.toVersion, baseline: x.previousVersion!, from: startedMs, to: now, baselineFrom, baselineTo: step.kind === 'switch' ? startedMs : now, overrides: 'analysis' in r.strategy ? r.strategy.analysis : undefined, mode });
    return { ...j, region: x.region, from: startedMs, to: now };
  });
}

async function recordRuns(ctx: StepContext, r: RolloutRecord, wave: number, step: number, label: string, judged: (StepJudgement & { region: string; from: number; to: number })[]): Promise<void> {
  const runs: NewAnalysisRun[] = judged.map((j) => ({ rolloutId: r.id, wave, step, stepLabel: label, region: j.region, result: j.result, from: new Date(j.from).toISOString(), to: new Date(j.to).toISOString(), verdicts: j.verdicts }));
  const summary = judged.map((j) => `${j.region} ${j.result}`).join(', ');
  await ctx.d.store.analysis.record(runs, r.model, ACTOR, `analysis of ${label}: ${summary}`);
}

/** On to the next step; past the last one, the next call promotes the wave. */
async function advance(ctx: StepContext, r: RolloutRecord, p: StrategyProgress, message: string): Promise<void> {
  const next = { step: p.step + 1, stepStartedAt: null, promoteRequested: null, paused: null };
  await ctx.d.store.rollouts.setProgress(r.id, next, [], { actor: ACTOR, kind: 'strategy.advanced', message: `wave ${p.wave + 1}: ${message}`, ...(r.status === 'paused' ? { status: 'running' as const, reason: null } : {}) });
}

/** The candidate takes the wave's regions over: placements switch, the stable version retires. */
async function completeWave(ctx: StepContext, r: RolloutRecord, wave: number): Promise<void> {
  const { d } = ctx;
  const regions = gatedRegions(r, wave);
  for (const x of regions) await d.store.rollouts.setPlacement({ model: r.model, region: x.region, version: r.toVersion, replicas: r.replicas }, ACTOR, r.id);
  if (regions.length > 0) await d.republish();
  for (const x of regions) {
    try {
      await d.provider.retire(x.region, r.model, x.previousVersion!);
    } catch (e) {
      d.logger.log('warn', 'strategy.retire_failed', { rolloutId: r.id, region: x.region, error: messageOf(e) });
    }
  }
  const next = { wave: -1, doneWaves: wave + 1, step: 0, stepStartedAt: null, promoteRequested: null, paused: null };
  const where = regions.map((x) => x.region).join(', ');
  await d.store.rollouts.setProgress(r.id, next, [], { actor: ACTOR, kind: 'strategy.wave_promoted', message: where === '' ? `wave ${wave + 1}: no region had a previous version; nothing to compare` : `wave ${wave + 1}: ${r.model}:${r.toVersion} promoted in ${where}` });
}

async function sleep(ctx: StepContext, ms: number): Promise<void> {
  try {
    await ctx.d.clock.sleep(Math.max(1, ms), ctx.signal);
  } catch (e) {
    if (!ctx.signal.aborted) throw e;
    // A nudge (a command arrived) ends the wait; shutdown is rethrown by the caller's signal check.
  }
}

function fmtPct(x: number): string {
  return `${Math.round(x * 10_000) / 100}%`;
}
