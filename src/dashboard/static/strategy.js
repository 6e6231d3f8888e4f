// A rollout's strategy, where it stands (wave, step, pause, requests), and the analysis verdicts
// with their measured values against thresholds. Unknown strategies and fields are shown as
// plain key/values, so a control plane newer than this dashboard still shows everything.
import { h } from './dom.js';
import { ago, num, tone } from './format.js';

/** @typedef {import('./types.js').Rollout} Rollout */
/** @typedef {import('./types.js').AnalysisRun} AnalysisRun */

/** Rollout fields the rest of the view already shows; anything else is listed under "more". */
const SHOWN = new Set(['id', 'model', 'kind', 'fromVersion', 'toVersion', 'status', 'reason', 'onFailure', 'waves', 'replicas', 'regions', 'strategy', 'progress', 'createdAt', 'updatedAt', 'createdBy']);

/** @param {unknown} v */
function text(v) {
  if (v === null || v === undefined) return '–';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** @param {Record<string, unknown>} o */
function keyValues(o) {
  return h('dl', { class: 'kv' }, ...Object.entries(o).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, text(v))]));
}

/** @param {unknown} x @returns {x is { weight: number, bakeSeconds?: number }[]} */
const isSteps = (x) => Array.isArray(x) && x.every((/** @type {unknown} */ s) => typeof s === 'object' && s !== null && 'weight' in s && typeof s.weight === 'number');

/** The strategy's parameters: canary steps as a row of chips, the current one marked. @param {Rollout} r */
function plan(r) {
  const st = r.strategy;
  if (st === undefined) return h('p', { class: 'muted' }, 'All at once: each region takes the new version as soon as it is verified.');
  const { type, steps, ...rest } = st;
  const current = r.progress?.step ?? -1;
  return h(
    'div',
    {},
    h('p', {}, h('strong', {}, type), type === 'all-at-once' ? h('span', { class: 'muted' }, ' — each region takes the new version as soon as it is verified') : null),
    isSteps(steps)
      ? h('ol', { class: 'steps' }, ...steps.map((s, i) => h('li', { class: i === current && r.status !== 'succeeded' ? 'current' : i < current ? 'done' : null, 'data-step': i }, `${num(s.weight, 0)}%`, s.bakeSeconds !== undefined ? h('span', { class: 'muted' }, ` · ${s.bakeSeconds} s`) : null)))
      : null,
    Object.keys(rest).length > 0 ? keyValues(rest) : null,
  );
}

/** @param {Rollout} r */
function progress(r) {
  const p = r.progress;
  if (p === undefined || p === null) return null;
  return h(
    'div',
    { class: 'progress' },
    h('p', {}, `Wave ${p.wave + 1} of ${r.waves.length} (${p.doneWaves} done) · step ${p.step + 1}`, p.stepStartedAt !== null ? h('span', { class: 'muted' }, ` · since ${ago(p.stepStartedAt)}`) : null),
    p.paused !== null ? h('p', { class: 'reason warn' }, `Paused by ${p.paused.by}: ${p.paused.reason}`) : null,
    p.promoteRequested !== null ? h('p', { class: 'muted' }, `Promotion requested by ${p.promoteRequested}`) : null,
    p.abortRequested !== null ? h('p', { class: 'reason bad' }, `Abort requested by ${p.abortRequested}`) : null,
  );
}

/** @param {AnalysisRun[]} runs */
function analysisTable(runs) {
  if (runs.length === 0) return h('p', { class: 'muted' }, 'No analysis yet.');
  return h(
    'table',
    { class: 'list analysis' },
    h('thead', {}, h('tr', {}, h('th', {}, 'step'), h('th', {}, 'region'), h('th', {}, 'result'), h('th', {}, 'judges: measured; limits'))),
    h(
      'tbody',
      {},
      ...runs
        .slice(-12)
        .reverse()
        .map((a) =>
          h(
            'tr',
            { 'data-result': a.result },
            h('td', {}, a.stepLabel),
            h('td', {}, a.region),
            h('td', {}, h('span', { class: `badge ${tone(a.result)}` }, a.result)),
            h(
              'td',
              {},
              h(
                'ul',
                { class: 'verdicts' },
                ...a.verdicts.map((v) =>
                  h(
                    'li',
                    { class: tone(v.result), title: `${v.reason} (samples: ${v.samples.candidate} candidate, ${v.samples.baseline} baseline)` },
                    h('strong', {}, v.judge),
                    `: ${v.result} — `,
                    Object.entries(v.measured)
                      .map(([k, m]) => `${k} ${m === null ? '–' : num(m, 3)}`)
                      .join(', '),
                    Object.keys(v.thresholds).length > 0
                      ? h(
                          'span',
                          { class: 'muted' },
                          `; limits ${Object.entries(v.thresholds)
                            .map(([k, t]) => `${k} ${num(t, 3)}`)
                            .join(', ')}`,
                        )
                      : null,
                  ),
                ),
              ),
            ),
          ),
        ),
    ),
  );
}

/**
 * @param {Rollout} r
 * @param {AnalysisRun[] | null} runs null when the control plane has no analysis endpoint
 */
export function renderStrategy(r, runs) {
  const extra = Object.fromEntries(Object.entries(r).filter(([k]) => !SHOWN.has(k)));
  const analyses = r.strategy !== undefined && r.strategy.type !== 'all-at-once';
  return h(
    'section',
    { class: 'strategy', 'data-strategy': r.strategy?.type ?? 'all-at-once' },
    h('h4', {}, 'Strategy'),
    plan(r),
    progress(r),
    analyses ? h('h4', {}, 'Analysis') : null,
    analyses ? (runs === null ? h('p', { class: 'muted' }, 'This control plane does not report analyses.') : analysisTable(runs)) : null,
    Object.keys(extra).length > 0 ? h('details', {}, h('summary', {}, 'More'), keyValues(extra)) : null,
  );
}
