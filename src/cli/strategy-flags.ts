// `meridian deploy --strategy …` flags → a StrategySpec, checked locally (the control plane checks
// again): canary steps, shadow share and duration, blue/green windows, judge thresholds.
import type { StrategySpec } from '../api/contract.js';
import { MeridianError } from '../core/errors.js';
import { durationSeconds, parseCanaryStepsFlag, parseStrategy } from '../config/strategy-spec.js';

export interface StrategyFlags {
  strategy?: string | undefined;
  steps?: string | undefined;
  percent?: string | undefined;
  duration?: string | undefined;
  'auto-promote'?: boolean | undefined;
  'rollback-window'?: string | undefined;
  'sticky-header'?: string | undefined;
  analysis?: string | undefined;
}

export const STRATEGY_FLAG_SPEC = {
  strategy: { type: 'string' },
  steps: { type: 'string' },
  percent: { type: 'string' },
  duration: { type: 'string' },
  'auto-promote': { type: 'boolean' },
  'rollback-window': { type: 'string' },
  'sticky-header': { type: 'string' },
  analysis: { type: 'string' },
} as const;

export const STRATEGY_HELP = `Release strategy (default all-at-once: each region switches once verified):
  --strategy canary     steps of traffic with bake and analysis between them
      --steps LIST      WEIGHT[:BAKE],… e.g. 5:30s,25:30s,50:30s,100 (the default)
      --sticky-header H keep each client (by this header's value) on one version
  --strategy blue-green green verified beside blue, then 100% at once; blue stays warm
      --percent N       shadow share before the switch (default 0: none)
      --duration T      how long that shadow runs (e.g. 60s)
      --rollback-window T  blue kept warm, post-promotion analysis (default 60s)
  --strategy shadow     the candidate gets a copy of live requests; users get the stable answers
      --percent N       share of requests copied (default 20)
      --duration T      how long (default 60s)
      --auto-promote    promote as soon as the analysis passes (default: wait for \`meridian promote\`)
  --analysis K=V,…      judge thresholds, e.g. maxErrorRate=0.02,maxP99Ms=300 (\`meridian analysis --help\`)`;

/** The strategy the flags describe; undefined when none was asked for. */
export function strategyFromFlags(f: StrategyFlags): StrategySpec | undefined {
  const type = f.strategy;
  const used = (['steps', 'percent', 'duration', 'auto-promote', 'rollback-window', 'sticky-header', 'analysis'] as const).filter((k) => f[k] !== undefined);
  if (type === undefined) {
    if (used.length > 0) throw new MeridianError('USAGE', `--${used[0]} needs --strategy canary, blue-green or shadow`);
    return undefined;
  }
  const allowed: Record<string, readonly string[]> = {
    'all-at-once': [],
    canary: ['steps', 'sticky-header', 'analysis'],
    'blue-green': ['percent', 'duration', 'rollback-window', 'analysis'],
    shadow: ['percent', 'duration', 'auto-promote', 'analysis'],
  };
  const ok = allowed[type];
  if (ok === undefined) throw new MeridianError('USAGE', `--strategy: "${type}" is not a strategy; use all-at-once, canary, blue-green or shadow`);
  const stray = used.find((k) => !ok.includes(k));
  if (stray !== undefined) throw new MeridianError('USAGE', `--${stray} does not apply to --strategy ${type}${ok.length > 0 ? ` (it takes ${ok.map((k) => `--${k}`).join(', ')})` : ''}`);
  const raw: Record<string, unknown> = { type };
  const pct = f.percent === undefined ? undefined : Number(f.percent.replace(/%$/, ''));
  if (pct !== undefined && !Number.isFinite(pct)) throw new MeridianError('USAGE', `--percent: "${f.percent}" is not a number, e.g. 20`);
  if (type === 'canary') {
    if (f.steps !== undefined) raw.steps = parseCanaryStepsFlag(f.steps);
    if (f['sticky-header'] !== undefined) raw.stickyHeader = f['sticky-header'];
  } else if (type === 'blue-green') {
    if (pct !== undefined) raw.shadowPercent = pct;
    if (f.duration !== undefined) raw.shadowSeconds = durationSeconds(f.duration, '--duration');
    if (f['rollback-window'] !== undefined) raw.rollbackWindowSeconds = durationSeconds(f['rollback-window'], '--rollback-window');
  } else if (type === 'shadow') {
    if (pct !== undefined) raw.percent = pct;
    if (f.duration !== undefined) raw.durationSeconds = durationSeconds(f.duration, '--duration');
    if (f['auto-promote'] === true) raw.autoPromote = true;
  }
  if (f.analysis !== undefined) raw.analysis = analysisFlag(f.analysis);
  try {
    return parseStrategy(raw, '--strategy');
  } catch (e) {
    if (e instanceof MeridianError) throw new MeridianError('USAGE', e.message);
    throw e;
  }
}

function analysisFlag(raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (k === undefined || k.trim() === '' || v === undefined || !Number.isFinite(n)) throw new MeridianError('USAGE', `--analysis: "${part}" is not NAME=NUMBER, e.g. maxErrorRate=0.02`);
    out[k.trim()] = n;
  }
  return out;
}
