// The dashboard's entry: sign-in (the token lives in sessionStorage, so it ends with the tab),
// then the live state and the views, re-rendered at most once per frame when the state changes.
import { Api, ApiError } from './api.js';
import { renderCharts } from './charts.js';
import { byId, fill, h } from './dom.js';
import { renderEvents, syncOptions } from './events.js';
import { Live } from './live.js';
import { WorldMap } from './map.js';
import { mapDataOf } from './map-data.js';
import { renderRolloutDetail, renderRolloutList, rolloutsOf } from './rollouts.js';

/** @typedef {import('./types.js').WhoAmI} WhoAmI */
/** @typedef {import('./types.js').Rollout} Rollout */
/** @typedef {import('./rollouts.js').Action} Action */

const TOKEN_KEY = 'meridian.token';
const NOTICE_KEY = 'meridian.notice';

const el = {
  session: byId('session', HTMLDivElement),
  modelFilter: byId('model-filter', HTMLSelectElement),
  stream: byId('stream', HTMLSpanElement),
  problem: byId('problem', HTMLSpanElement),
  me: byId('me', HTMLSpanElement),
  signOut: byId('sign-out', HTMLButtonElement),
  notice: byId('notice', HTMLDivElement),
  signin: byId('signin', HTMLElement),
  signinForm: byId('signin-form', HTMLFormElement),
  token: byId('token', HTMLInputElement),
  signinError: byId('signin-error', HTMLParagraphElement),
  app: byId('app', HTMLElement),
  edgeSelect: byId('edge-select', HTMLSelectElement),
  rolloutList: byId('rollout-list', HTMLDivElement),
  rolloutDetail: byId('rollout-detail', HTMLDivElement),
  charts: byId('charts', HTMLDivElement),
  eventModel: byId('event-model', HTMLSelectElement),
  eventRegion: byId('event-region', HTMLSelectElement),
  events: byId('events', HTMLDivElement),
  confirm: byId('confirm', HTMLDialogElement),
  confirmTitle: byId('confirm-title', HTMLHeadingElement),
  confirmText: byId('confirm-text', HTMLParagraphElement),
  confirmOk: byId('confirm-ok', HTMLButtonElement),
  confirmCancel: byId('confirm-cancel', HTMLButtonElement),
};
const mapEl = document.getElementById('map');
if (!(mapEl instanceof SVGSVGElement)) throw new Error('dashboard: #map is missing from index.html');
const mapSvg = mapEl;

/** What the user chose; `edge` also lives in the URL (`?edge=new-york`) so a link can carry it. */
const ui = {
  model: '',
  /** @type {number | null} null: follow the active (else newest) rollout */
  selected: /** @type {number | null} */ (null),
  edge: new URLSearchParams(location.search).get('edge'),
};

/** @param {string} message @param {'ok' | 'bad'} kind */
function notify(message, kind) {
  el.notice.textContent = message;
  el.notice.className = `notice ${kind}`;
  el.notice.hidden = false;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => (el.notice.hidden = true), kind === 'bad' ? 15_000 : 6000);
}
/** @type {ReturnType<typeof setTimeout> | undefined} */
notify.timer = undefined;

/** Asks before a command is sent. @param {string} title @param {string} text @param {string} ok @returns {Promise<boolean>} */
function confirmAction(title, text, ok) {
  el.confirmTitle.textContent = title;
  el.confirmText.textContent = text;
  el.confirmOk.textContent = ok;
  el.confirm.returnValue = '';
  return new Promise((resolve) => {
    el.confirm.addEventListener('close', () => resolve(el.confirm.returnValue === 'ok'), { once: true });
    el.confirm.showModal();
    el.confirmCancel.focus();
  });
}
el.confirmOk.addEventListener('click', () => el.confirm.close('ok'));
el.confirmCancel.addEventListener('click', () => el.confirm.close('cancel'));

/** The question asked before each command. @type {Record<Action, (r: Rollout) => [string, string, string]>} */
const QUESTIONS = {
  promote: (r) => [`Promote rollout #${r.id}?`, `${r.model} ${r.fromVersion ?? ''} → ${r.toVersion}: leave the current step now, without waiting for its bake time or analysis.`, 'Promote'],
  pause: (r) => [`Pause rollout #${r.id}?`, `${r.model} stays at its current step and traffic split until someone resumes or promotes it.`, 'Pause'],
  resume: (r) => [`Resume rollout #${r.id}?`, `${r.model} goes on from its current step; the step's bake time starts over.`, 'Resume'],
  abort: (r) => [`Abort rollout #${r.id}?`, `Every region of this rollout returns to ${r.fromVersion ?? 'its previous version'}; ${r.toVersion} stops taking traffic.`, 'Abort rollout'],
  rollback: (r) => [`Roll ${r.model} back?`, `Every region that runs ${r.model}:${r.toVersion} returns to ${r.fromVersion ?? 'its previous version'}, through the same verification gates, as a new rollout.`, 'Roll back'],
};

/**
 * @param {Api} api
 * @param {Live} live
 * @param {Action} action
 * @param {Rollout} r
 */
async function perform(api, live, action, r) {
  const [title, text, ok] = QUESTIONS[action](r);
  if (!(await confirmAction(title, text, ok))) return;
  try {
    const path = action === 'rollback' ? `/models/${encodeURIComponent(r.model)}/rollback` : `/rollouts/${r.id}/${action}`;
    const result = /** @type {Rollout} */ (await api.post(path, {}));
    live.rollouts.set(result.id, result);
    if (action === 'rollback') ui.selected = result.id;
    notify(action === 'rollback' ? `Rollback started: rollout #${result.id}.` : `${ok}: rollout #${result.id} is ${result.status}.`, 'ok');
    live.tasks.models.kick();
    live.tasks.status.kick();
    live.changed();
  } catch (e) {
    const why = e instanceof ApiError && e.code === 'NOT_FOUND' && action !== 'rollback' ? `this control plane has no ${action} command yet (${e.message})` : e instanceof Error ? e.message : String(e);
    notify(`${ok} refused: ${why}`, 'bad');
  }
}

/** Ends the session: the token is forgotten and the page starts over at the sign-in form. @param {string} [notice] */
function signOut(notice) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (notice !== undefined) sessionStorage.setItem(NOTICE_KEY, notice);
  location.reload();
}

/** @param {string} message */
function showSignIn(message) {
  el.app.hidden = true;
  el.session.hidden = true;
  el.signin.hidden = false;
  el.signinError.hidden = message === '';
  el.signinError.textContent = message;
  el.token.focus();
}

/** @param {unknown} e */
function signInError(e) {
  if (e instanceof ApiError && e.status === 401) return `That token was refused: ${e.message}`;
  if (e instanceof ApiError && e.status === 0) return `Cannot reach the control plane: ${e.message}`;
  return `Sign-in failed: ${e instanceof Error ? e.message : String(e)}`;
}

/** @param {string} token */
async function signIn(token) {
  const api = new Api(token);
  const me = /** @type {WhoAmI} */ (await api.get('/whoami'));
  sessionStorage.setItem(TOKEN_KEY, token);
  api.onUnauthorized = () => signOut('Your token is no longer accepted (revoked?). Sign in again.');
  await startApp(api, me);
}

/**
 * @param {Api} api
 * @param {WhoAmI} me
 */
async function startApp(api, me) {
  el.signin.hidden = true;
  el.session.hidden = false;
  el.app.hidden = false;
  fill(el.me, me.name, ' ', h('span', { class: `role ${me.role}`, 'data-role': me.role }, me.role));
  const live = new Live(api, me);
  const map = new WorldMap(mapSvg);
  /** Re-renders only what changed since the last frame, judged by a key of each view's inputs. */
  const last = { map: '', list: '', detail: '', events: '' };
  let frame = 0;
  const render = () => {
    frame = 0;
    syncOptions(el.modelFilter, live.models, 'all models');
    ui.model = el.modelFilter.value;
    el.stream.textContent = live.stream === 'live' ? '● live' : live.stream === 'reconnecting' ? '○ reconnecting…' : '○ connecting…';
    el.stream.className = `stream ${live.stream}`;
    el.problem.hidden = live.problem === null;
    el.problem.textContent = live.problem === null ? '' : `API: ${live.problem}`;
    syncOptions(el.edgeSelect, live.edges.map((e) => e.name), 'none');
    if (ui.edge !== null && el.edgeSelect.value !== ui.edge && live.edges.some((e) => e.name === ui.edge)) el.edgeSelect.value = ui.edge;

    const data = mapDataOf(live, ui.model, ui.edge);
    const mapKey = JSON.stringify([data.regions, data.edge, data.anyTraffic, data.catalog.length]);
    if (mapKey !== last.map) {
      map.render(data);
      last.map = mapKey;
    }

    const list = rolloutsOf(live, ui.model);
    const selected = list.find((r) => r.id === ui.selected) ?? list.find((r) => !['succeeded', 'halted', 'rolled_back', 'aborted'].includes(r.status)) ?? list[0];
    if (live.focusRollout !== (selected?.id ?? null)) {
      live.focusRollout = selected?.id ?? null;
      live.tasks.analysis.kick();
    }
    // "… s ago" texts age: the keys include a 5-second tick, so those views redraw that often at most.
    const tick = Math.floor(Date.now() / 5000);
    const listKey = JSON.stringify([list.map((r) => [r.id, r.status]), selected?.id, tick]);
    if (listKey !== last.list) {
      renderRolloutList(el.rolloutList, list, selected?.id ?? null, (id) => {
        ui.selected = id;
        schedule();
      });
      last.list = listKey;
    }
    const busyModels = [...live.rollouts.values()].filter((r) => !['succeeded', 'halted', 'rolled_back', 'aborted'].includes(r.status)).map((r) => r.id);
    const detailKey = JSON.stringify([selected, busyModels, live.analysis?.get(selected?.id ?? -1)?.length, live.analysis === null, tick]);
    if (detailKey !== last.detail) {
      renderRolloutDetail(el.rolloutDetail, selected, live, (action, r) => void perform(api, live, action, r));
      last.detail = detailKey;
    }

    renderCharts(el.charts, live, ui.model);

    const regionsSeen = new Set([...live.events.map((e) => e.region), ...live.status.flatMap((m) => m.regions.map((r) => r.region))]);
    syncOptions(el.eventModel, live.models, 'all models');
    syncOptions(el.eventRegion, [...regionsSeen].filter((r) => r !== null).sort(), 'all regions');
    const filter = { model: el.eventModel.value, region: el.eventRegion.value };
    const eventsKey = JSON.stringify([live.events.at(-1)?.id, live.events.length, filter]);
    if (eventsKey !== last.events) {
      renderEvents(el.events, live, filter);
      last.events = eventsKey;
    }
  };
  const schedule = () => {
    if (frame === 0) frame = requestAnimationFrame(render);
  };
  live.addEventListener('change', schedule);
  for (const s of [el.modelFilter, el.eventModel, el.eventRegion]) s.addEventListener('change', schedule);
  el.edgeSelect.addEventListener('change', () => {
    ui.edge = el.edgeSelect.value === '' ? null : el.edgeSelect.value;
    const url = new URL(location.href);
    if (ui.edge === null) url.searchParams.delete('edge');
    else url.searchParams.set('edge', ui.edge);
    history.replaceState(null, '', url);
    schedule();
  });
  mapSvg.addEventListener('click', (e) => {
    // A click on a region filters the event log to it.
    const g = e.target instanceof Element ? e.target.closest('[data-region]') : null;
    const code = g?.getAttribute('data-region');
    if (code === null || code === undefined) return;
    el.eventRegion.value = code;
    schedule();
  });
  el.signOut.addEventListener('click', () => signOut());
  // Charts slide with time even when nothing else changes.
  setInterval(schedule, 5000);
  try {
    await live.start();
  } catch (e) {
    live.stop();
    throw e;
  }
  render();
  performance.mark('meridian:data');
}

el.signinForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const token = el.token.value.trim();
  if (token === '') return;
  el.signinError.hidden = true;
  signIn(token).catch((err) => {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(signInError(err));
  });
});

const saved = sessionStorage.getItem(TOKEN_KEY);
const notice = sessionStorage.getItem(NOTICE_KEY) ?? '';
sessionStorage.removeItem(NOTICE_KEY);
if (saved === null) showSignIn(notice);
else {
  signIn(saved).catch((err) => {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(signInError(err));
  });
}
