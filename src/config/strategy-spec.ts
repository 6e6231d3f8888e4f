// Checks a release strategy as users write it — JSON in the API, flags in `meridian deploy`, YAML in
// `meridian apply -f` — and fills in defaults. Every refusal names the field and says what to write.
import { MeridianError } from '../core/errors.js';
import { STRATEGY_TYPES, type AnalysisOverrides, type CanaryStep, type StrategySpec } from '../core/strategy.js';

/** Argo Rollouts' customary canary: a small share first, then larger ones; 100 promotes. */
export const DEFAULT_CANARY_STEPS: readonly CanaryStep[] = [
  { weight: 5, bakeSeconds: 30 },
  { weight: 25, bakeSeconds: 30 },
  { weight: 50, bakeSeconds: 30 },
  { weight: 100, bakeSeconds: 0 },
];

export const STRATEGY_DEFAULTS = {
  blueGreen: { shadowPercent: 0, shadowSeconds: 0, rollbackWindowSeconds: 60 },
  shadow: { percent: 20, durationSeconds: 60, autoPromote: false },
} as const;

const bad = (field: string, message: string): MeridianError => new MeridianError('INVALID_ARGUMENT', `${field}: ${message}`);

function num(raw: unknown, field: string, min: number, max: number, fallback?: number): number {
  if (raw === undefined && fallback !== undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) throw bad(field, `${JSON.stringify(raw)} is not a number from ${min} to ${max}`);
  return raw;
}

function bool(raw: unknown, field: string, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') throw bad(field, `${JSON.stringify(raw)} is not true or false`);
  return raw;
}

function analysisOf(raw: unknown, field: string): AnalysisOverrides | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(field, 'must be an object of threshold names to numbers, e.g. {"maxErrorRate": 0.02}');
  const out: AnalysisOverrides = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${field}.${k}`, `${JSON.stringify(v)} is not a number`);
    out[k] = v;
  }
  return out;
}

function only(o: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`${field}.${k}`, `unknown field; a ${String(o.type)} strategy takes ${allowed.filter((a) => a !== 'type').join(', ')}`);
}

/** The strategy from a request body or manifest; all-at-once when absent. */
export function parseStrategy(raw: unknown, field = 'strategy'): StrategySpec {
  if (raw === undefined || raw === null) return { type: 'all-at-once' };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad(field, `must be an object with a "type" (${STRATEGY_TYPES.join(', ')})`);
  const o = raw as Record<string, unknown>;
  switch (o.type) {
    case 'all-at-once':
      only(o, field, ['type']);
      return { type: 'all-at-once' };
    case 'canary': {
      only(o, field, ['type', 'steps', 'analysis', 'stickyHeader']);
      const steps = o.steps === undefined ? [...DEFAULT_CANARY_STEPS] : canarySteps(o.steps, `${field}.steps`);
      const analysis = analysisOf(o.analysis, `${field}.analysis`);
      if (o.stickyHeader !== undefined && (typeof o.stickyHeader !== 'string' || !/^[A-Za-z0-9-]+$/.test(o.stickyHeader))) throw bad(`${field}.stickyHeader`, 'must be an HTTP header name, e.g. x-user-id');
      return { type: 'canary', steps, ...(analysis !== undefined ? { analysis } : {}), ...(typeof o.stickyHeader === 'string' ? { stickyHeader: o.stickyHeader.toLowerCase() } : {}) };
    }
    case 'blue-green': {
      only(o, field, ['type', 'shadowPercent', 'shadowSeconds', 'rollbackWindowSeconds', 'analysis']);
      const d = STRATEGY_DEFAULTS.blueGreen;
      const shadowPercent = num(o.shadowPercent, `${field}.shadowPercent`, 0, 100, d.shadowPercent);
      const shadowSeconds = num(o.shadowSeconds, `${field}.shadowSeconds`, 0, 86_400, shadowPercent > 0 ? 60 : d.shadowSeconds);
      if (shadowPercent > 0 && shadowSeconds === 0) throw bad(`${field}.shadowSeconds`, 'a shadow period needs a duration > 0 (or set shadowPercent to 0)');
      const analysis = analysisOf(o.analysis, `${field}.analysis`);
      return { type: 'blue-green', shadowPercent, shadowSeconds, rollbackWindowSeconds: num(o.rollbackWindowSeconds, `${field}.rollbackWindowSeconds`, 0, 86_400, d.rollbackWindowSeconds), ...(analysis !== undefined ? { analysis } : {}) };
    }
    case 'shadow': {
      only(o, field, ['type', 'percent', 'durationSeconds', 'autoPromote', 'analysis']);
      const d = STRATEGY_DEFAULTS.shadow;
      const percent = num(o.percent, `${field}.percent`, 0, 100, d.percent);
      if (percent === 0) throw bad(`${field}.percent`, 'a shadow needs a share of traffic > 0, e.g. 20');
      const analysis = analysisOf(o.analysis, `${field}.analysis`);
      return { type: 'shadow', percent, durationSeconds: num(o.durationSeconds, `${field}.durationSeconds`, 1, 86_400, d.durationSeconds), autoPromote: bool(o.autoPromote, `${field}.autoPromote`, d.autoPromote), ...(analysis !== undefined ? { analysis } : {}) };
    }
    default:
      throw bad(`${field}.type`, `${JSON.stringify(o.type)} is not a strategy; use one of ${STRATEGY_TYPES.join(', ')}`);
  }
}

function canarySteps(raw: unknown, field: string): CanaryStep[] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad(field, 'must be a non-empty list of {weight, bakeSeconds}, e.g. [{"weight":5,"bakeSeconds":30},{"weight":100}]');
  const steps = raw.map((s: unknown, i): CanaryStep => {
    if (typeof s !== 'object' || s === null) throw bad(`${field}[${i}]`, 'must be {weight, bakeSeconds}');
    const o = s as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'weight' && k !== 'bakeSeconds') throw bad(`${field}[${i}].${k}`, 'unknown field; a step has weight and bakeSeconds');
    const weight = num(o.weight, `${field}[${i}].weight`, 0.1, 100);
    return { weight, bakeSeconds: num(o.bakeSeconds, `${field}[${i}].bakeSeconds`, 0, 86_400, weight === 100 ? 0 : 30) };
  });
  steps.forEach((s, i) => {
    if (i > 0 && s.weight <= steps[i - 1]!.weight) throw bad(`${field}[${i}].weight`, `${s.weight} is not above the previous step's ${steps[i - 1]!.weight}; weights must grow`);
  });
  if (steps.at(-1)!.weight !== 100) steps.push({ weight: 100, bakeSeconds: 0 });
  return steps;
}

/**
 * `--steps 5:30s,25:1m,50:30s,100` → canary steps (weight percent : bake time). A bare weight bakes
 * the default 30 s; 100 needs no bake.
 */
export function parseCanaryStepsFlag(raw: string): CanaryStep[] {
  const steps = raw.split(',').map((part, i) => {
    const [w, bake] = part.trim().split(':');
    const weight = Number(w?.replace(/%$/, ''));
    if (w === undefined || w === '' || !Number.isFinite(weight)) throw bad('--steps', `"${part}" is not WEIGHT[:BAKE], e.g. 5:30s`);
    return { weight, bakeSeconds: bake === undefined ? (weight === 100 ? 0 : 30) : durationSeconds(bake, `--steps (step ${i + 1})`) };
  });
  return canarySteps(steps, '--steps');
}

/** `30s`, `2m`, `1h`, `500ms` or a bare number of seconds. */
export function durationSeconds(raw: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (m === null) throw bad(field, `"${raw}" is not a duration; write e.g. 30s, 2m or 1h`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}
