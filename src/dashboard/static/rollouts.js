// Rollouts: the list (newest first) and the one selected — its waves with each region's phase,
// checks and reason, its strategy and analysis, and the commands a deployer may give it.
import { h, fill } from './dom.js';
import { ago, tone, TERMINAL } from './format.js';
import { renderStrategy } from './strategy.js';

/** @typedef {import('./live.js').Live} Live */
/** @typedef {import('./types.js').Rollout} Rollout */
/** @typedef {import('./types.js').RolloutRegion} RolloutRegion */
/** @typedef {'promote' | 'pause' | 'resume' | 'abort' | 'rollback'} Action */
/** @typedef {(action: Action, rollout: Rollout) => void} OnAction */

/** @param {string} state */
export const badge = (state) => h('span', { class: `badge ${tone(state)}`, 'data-state': state }, state.replace('_', ' '));

/** @param {Rollout} r */
const change = (r) => `${r.fromVersion ?? '∅'} → ${r.toVersion}`;

/**
 * The rollouts shown, newest first.
 * @param {Live} live
 * @param {string} model
 */
export function rolloutsOf(live, model) {
  return [...live.rollouts.values()].filter((r) => model === '' || r.model === model).sort((a, b) => b.id - a.id);
}

/**
 * @param {HTMLElement} el
 * @param {Rollout[]} list
 * @param {number | null} selected
 * @param {(id: number) => void} onSelect
 */
export function renderRolloutList(el, list, selected, onSelect) {
  if (list.length === 0) {
    fill(el, h('p', { class: 'muted' }, 'No rollouts yet. Start one with `meridian deploy MODEL:VERSION --regions …`.'));
    return;
  }
  const rows = list.slice(0, 30).map((r) =>
    h(
      'tr',
      { class: r.id === selected ? 'selected' : null, 'data-rollout': r.id, tabindex: 0, onclick: () => onSelect(r.id), onkeydown: (e) => e instanceof KeyboardEvent && e.key === 'Enter' && onSelect(r.id) },
      h('td', { class: 'num' }, `#${r.id}`),
      h('td', {}, r.model),
      h('td', {}, change(r)),
      h('td', {}, r.kind === 'rollback' ? 'rollback' : (r.strategy?.type ?? 'all-at-once')),
      h('td', {}, badge(r.status)),
      h('td', { class: 'muted' }, ago(r.createdAt)),
    ),
  );
  fill(el, h('table', { class: 'list' }, h('thead', {}, h('tr', {}, h('th', {}, 'id'), h('th', {}, 'model'), h('th', {}, 'change'), h('th', {}, 'strategy'), h('th', {}, 'status'), h('th', {}, 'started'))), h('tbody', {}, ...rows)));
}

/**
 * Whether each command applies to the rollout now and whether the user's role allows it;
 * `why` says what stops it (the button's tooltip).
 * @param {Rollout} r
 * @param {Live} live
 * @returns {{ action: Action, label: string, enabled: boolean, why: string }[]}
 */
export function actionsFor(r, live) {
  const role = live.me.role;
  const allowed = role === 'deployer' || role === 'admin';
  const active = !TERMINAL.has(r.status);
  const stepped = r.strategy !== undefined && r.strategy.type !== 'all-at-once';
  const modelBusy = [...live.rollouts.values()].some((x) => x.model === r.model && !TERMINAL.has(x.status));
  const newest = Math.max(...[...live.rollouts.values()].filter((x) => x.model === r.model).map((x) => x.id)) === r.id;
  /** @type {[Action, string, boolean, string][]} */
  const table = [
    ['promote', 'Promote', active && stepped, active ? 'only a canary, blue/green or shadow rollout has steps to promote' : 'the rollout is over'],
    ['pause', 'Pause', active && stepped && r.status !== 'paused', r.status === 'paused' ? 'already paused' : active ? 'only a strategy rollout has steps to hold' : 'the rollout is over'],
    ['resume', 'Resume', r.status === 'paused', 'the rollout is not paused'],
    ['abort', 'Abort', active, 'the rollout is over'],
    ['rollback', 'Roll back', !modelBusy && newest && r.kind === 'deploy' && r.fromVersion !== null && (r.status === 'succeeded' || r.status === 'halted'), rollbackBlocker(r, modelBusy, newest)],
  ];
  return table.map(([action, label, applies, reason]) => ({
    action,
    label,
    enabled: allowed && applies,
    why: !allowed ? `your role (${role}) cannot change rollouts; a deployer or admin can` : applies ? '' : reason,
  }));
}

/**
 * Why a rollout can't be rolled back from here ('' when it can).
 * @param {Rollout} r
 * @param {boolean} modelBusy
 * @param {boolean} newest
 */
function rollbackBlocker(r, modelBusy, newest) {
  if (modelBusy) return `a rollout of ${r.model} is in progress`;
  if (!newest) return 'a newer rollout of this model exists';
  if (r.kind !== 'deploy') return `this is a rollback; to undo it, deploy ${r.model}:${r.fromVersion ?? 'VERSION'} again`;
  if (r.fromVersion === null) return `${r.model} ran nowhere before this rollout: there is no previous version`;
  return 'only a succeeded or halted rollout can be rolled back';
}

/** @param {RolloutRegion} x */
function regionCard(x) {
  return h(
    'li',
    { class: `phase-card ${tone(x.phase)}`, 'data-region': x.region, 'data-phase': x.phase },
    h('div', { class: 'phase-head' }, h('strong', {}, x.region), badge(x.phase)),
    x.checks.length > 0
      ? h('ul', { class: 'checks' }, ...x.checks.map((c) => h('li', { class: c.skipped === true ? 'skipped' : c.ok ? 'ok' : 'bad', title: c.detail }, `${c.skipped === true ? '–' : c.ok ? '✓' : '✗'} ${c.name}`)))
      : null,
    x.reason !== null ? h('p', { class: 'reason' }, x.errorCode !== null ? `${x.errorCode}: ` : '', x.reason) : null,
  );
}

/**
 * @param {HTMLElement} el
 * @param {Rollout | undefined} r
 * @param {Live} live
 * @param {OnAction} onAction
 */
export function renderRolloutDetail(el, r, live, onAction) {
  if (r === undefined) {
    fill(el);
    return;
  }
  const regions = new Map(r.regions.map((x) => [x.region, x]));
  fill(
    el,
    h(
      'div',
      { class: 'rollout-head', 'data-rollout': r.id, 'data-status': r.status },
      h('h3', {}, `#${r.id} ${r.model} ${change(r)} `, badge(r.status)),
      h('p', { class: 'muted' }, `${r.kind} by ${r.createdBy}, ${ago(r.createdAt)} · ${r.replicas} replica(s) per region · on failure: ${r.onFailure} · updated ${ago(r.updatedAt)}`),
      // A pause's reason is shown with the strategy's progress; once is enough.
      r.reason !== null && r.reason !== r.progress?.paused?.reason ? h('p', { class: `reason ${tone(r.status)}` }, r.reason) : null,
    ),
    h(
      'div',
      { class: 'actions' },
      ...actionsFor(r, live).map((a) => h('button', { type: 'button', class: a.action === 'abort' || a.action === 'rollback' ? 'danger' : null, 'data-action': a.action, disabled: !a.enabled, title: a.why || null, onclick: () => onAction(a.action, r) }, a.label)),
    ),
    renderStrategy(r, live.analysis === null ? null : (live.analysis.get(r.id) ?? [])),
    h(
      'ol',
      { class: 'waves' },
      ...r.waves.map((wave, i) => h('li', { class: 'wave', 'data-wave': i + 1 }, h('h4', {}, `Wave ${i + 1}`), h('ul', { class: 'phase-cards' }, ...wave.map((code) => regions.get(code)).filter((x) => x !== undefined).map(regionCard)))),
    ),
  );
}
