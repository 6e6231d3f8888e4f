// The event log, live: newest first, filtered by model and region (in the page, so changing a
// filter is instant and the stream stays open).
import { h, fill } from './dom.js';
import { clock } from './format.js';

/** @typedef {import('./live.js').Live} Live */
/** @typedef {import('./types.js').EventRecord} EventRecord */

/** Rows drawn at most; the rest are a scroll the user won't make. */
const MAX_ROWS = 250;

/** The tone of an event kind: failures red, health changes amber, the rest plain. @param {EventRecord} e */
function toneOf(e) {
  if (/(failed|halted|rolled_back|aborted|drill\.kill|drill\.freeze|analysis\.fail)$/.test(e.kind)) return 'bad';
  if (e.kind === 'region.health') return e.data !== null && e.data.to === 'healthy' ? 'ok' : 'warn';
  if (/(verified|succeeded|analysis\.pass|drill\.restore)$/.test(e.kind)) return 'ok';
  return '';
}

/**
 * Keeps a <select>'s options in step with the values seen, keeping the choice.
 * @param {HTMLSelectElement} select
 * @param {string[]} values
 * @param {string} allLabel
 */
export function syncOptions(select, values, allLabel) {
  const want = ['', ...values];
  const have = [...select.options].map((o) => o.value);
  if (want.length === have.length && want.every((v, i) => v === have[i])) return;
  const chosen = select.value;
  fill(select, ...want.map((v) => h('option', { value: v }, v === '' ? allLabel : v)));
  select.value = want.includes(chosen) ? chosen : '';
}

/**
 * @param {HTMLElement} el
 * @param {Live} live
 * @param {{ model: string, region: string }} filter
 */
export function renderEvents(el, live, filter) {
  const shown = [];
  for (let i = live.events.length - 1; i >= 0 && shown.length < MAX_ROWS; i--) {
    const e = live.events[i];
    if (e === undefined) continue;
    if (filter.model !== '' && e.model !== filter.model) continue;
    if (filter.region !== '' && e.region !== filter.region) continue;
    shown.push(e);
  }
  if (shown.length === 0) {
    fill(el, h('p', { class: 'muted' }, live.events.length === 0 ? 'No events yet.' : 'No event matches these filters.'));
    return;
  }
  fill(
    el,
    h(
      'table',
      { class: 'list events' },
      h('tbody', {}, ...shown.map((e) => h('tr', { class: toneOf(e), 'data-event': e.id, 'data-kind': e.kind }, h('td', { class: 'muted num', title: e.time }, clock(e.time)), h('td', {}, h('code', {}, e.kind)), h('td', {}, e.model ?? ''), h('td', {}, e.region ?? ''), h('td', { class: 'message' }, e.message), h('td', { class: 'muted' }, e.actor)))),
    ),
  );
}
