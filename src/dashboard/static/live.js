// What the dashboard knows, kept current: the event stream says *that* something changed, and the
// affected resources are re-read from the API (coalesced); slow polls catch what makes no event
// (traffic shares, metrics). Views read this object and re-render on its `change` event.
import { ApiError } from './api.js';
import { TERMINAL } from './format.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').RegionInfo} RegionInfo */
/** @typedef {import('./types.js').ModelStatus} ModelStatus */
/** @typedef {import('./types.js').ModelVersionInfo} ModelVersionInfo */
/** @typedef {import('./types.js').Rollout} Rollout */
/** @typedef {import('./types.js').EventRecord} EventRecord */
/** @typedef {import('./types.js').RoutingTable} RoutingTable */
/** @typedef {import('./types.js').AnalysisRun} AnalysisRun */
/** @typedef {import('./types.js').Metrics} Metrics */
/** @typedef {import('./types.js').Edge} Edge */
/** @typedef {import('./types.js').WhoAmI} WhoAmI */

/** How often each resource is re-read without an event asking for it. */
const EVERY_MS = { status: 2000, rollouts: 3000, models: 10_000, metrics: 5000, analysis: 5000 };
/** Events kept for the log (the stream replays the whole log; older ones are dropped here). */
const MAX_EVENTS = 2000;
/** Rollouts kept, newest first, across models. */
const MAX_ROLLOUTS = 60;
/** Traffic-share history for the charts. */
const HISTORY_MS = 5 * 60_000;

/** An API that answers 404 NOT_FOUND for a route it does not have yet (not MODEL_NOT_FOUND etc.). */
const noSuchRoute = (/** @type {unknown} */ e) => e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND';

/**
 * A periodic task that can also be asked to run soon; never two runs at once, bursts coalesce.
 * @param {() => Promise<void>} fn
 * @param {number} everyMs
 * @param {(e: unknown) => void} onError
 */
function task(fn, everyMs, onError) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let running = false;
  let again = false;
  let stopped = false;
  const run = async () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await fn();
    } catch (e) {
      onError(e);
    } finally {
      running = false;
    }
    if (stopped) return;
    const soon = again;
    again = false;
    timer = setTimeout(() => void run(), soon ? 50 : everyMs);
  };
  return {
    /** Starts the cycle: first run now, or after one period when the caller has just read it. */
    start(fresh = false) {
      if (fresh) timer = setTimeout(() => void run(), everyMs);
      else void run();
    },
    /** Runs within ~50 ms (coalescing bursts of events). */
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => void run(), 50);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export class Live extends EventTarget {
  /**
   * @param {Api} api
   * @param {WhoAmI} me
   */
  constructor(api, me) {
    super();
    this.api = api;
    this.me = me;
    /** @type {Map<string, RegionInfo>} */
    this.regions = new Map();
    /** @type {Edge[]} */
    this.edges = [];
    /** @type {string[]} */
    this.models = [];
    /** @type {ModelStatus[]} */
    this.status = [];
    /** @type {RoutingTable | null} */
    this.table = null;
    /** @type {Map<number, Rollout>} */
    this.rollouts = new Map();
    /** Analysis runs per rollout; null when the control plane has no analysis endpoint. @type {Map<number, AnalysisRun[]> | null} */
    this.analysis = new Map();
    /** Time series per model; null when the control plane has no metrics endpoint. @type {Map<string, Metrics> | null} */
    this.metrics = new Map();
    /** Traffic share per model, region and version over time, from status polls. @type {{ t: number, shares: Map<string, number> }[]} */
    this.shareHistory = [];
    /** @type {EventRecord[]} */
    this.events = [];
    /** @type {'connecting' | 'live' | 'reconnecting'} */
    this.stream = 'connecting';
    /** The rollout whose analysis to follow (the one shown). @type {number | null} */
    this.focusRollout = null;
    /** The last error reading the API, shown in the header; null when the last reads worked. @type {string | null} */
    this.problem = null;
    this.abort = new AbortController();
    /** Rollouts an event named: re-read them. @type {Set<number>} */
    this.dirtyRollouts = new Set();
    const onError = (/** @type {unknown} */ e) => this.failed(e);
    this.tasks = {
      status: task(() => this.readStatus(), EVERY_MS.status, onError),
      models: task(() => this.readModels(), EVERY_MS.models, onError),
      rollouts: task(() => this.readRollouts(), EVERY_MS.rollouts, onError),
      metrics: task(() => this.readMetrics(), EVERY_MS.metrics, onError),
      analysis: task(() => this.readAnalysis(), EVERY_MS.analysis, onError),
    };
  }

  /** Loads everything once (resolves when the first picture is complete), then keeps it current. */
  async start() {
    const [regions, edges] = await Promise.all([this.api.get('/regions'), fetchEdges()]);
    for (const r of /** @type {RegionInfo[]} */ (regions)) this.regions.set(r.code, r);
    this.edges = edges;
    await Promise.all([this.readStatus(), this.readModels()]);
    this.changed();
    this.tasks.status.start(true);
    this.tasks.models.start(true);
    for (const t of [this.tasks.rollouts, this.tasks.metrics, this.tasks.analysis]) t.start();
    void this.api.followEvents(
      0,
      (e) => this.onEvent(e),
      (state) => {
        this.stream = state;
        this.changed();
      },
      this.abort.signal,
    );
  }

  stop() {
    this.abort.abort();
    for (const t of Object.values(this.tasks)) t.stop();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  /** @param {unknown} e */
  failed(e) {
    if (this.abort.signal.aborted) return;
    this.problem = e instanceof Error ? e.message : String(e);
    this.changed();
  }

  /** @param {EventRecord} e */
  onEvent(e) {
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    const [kind] = e.kind.split('.');
    if (e.rolloutId !== null) {
      // Finished rollouts don't change; the replay of an old log names many of them.
      const known = this.rollouts.get(e.rolloutId);
      if (known === undefined) this.tasks.models.kick();
      else if (!TERMINAL.has(known.status)) {
        this.dirtyRollouts.add(e.rolloutId);
        this.tasks.rollouts.kick();
      }
    }
    if (e.kind === 'model.pushed') this.tasks.models.kick();
    if (kind === 'region' || kind === 'drill' || kind === 'traffic' || kind === 'rollout' || kind === 'strategy') this.tasks.status.kick();
    if (kind === 'analysis' || kind === 'strategy') this.tasks.analysis.kick();
    this.changed();
  }

  async readStatus() {
    const [status, table] = await Promise.all([this.api.get('/status'), this.api.get('/routing-table')]);
    this.status = /** @type {ModelStatus[]} */ (status);
    this.table = /** @type {RoutingTable} */ (table);
    this.problem = null;
    this.recordShares();
    this.changed();
  }

  /** One point of traffic share per model × region × version: the region's share split by the routing weights. */
  recordShares() {
    const now = Date.now();
    /** @type {Map<string, number>} */
    const shares = new Map();
    for (const m of this.status) {
      for (const r of m.regions) {
        const routed = this.table?.models[m.model]?.regions.find((x) => x.region === r.region);
        const versions = routed?.versions ?? [{ version: r.version, weight: 1 }];
        for (const v of versions) shares.set(`${m.model}\t${r.region}\t${v.version}`, r.trafficShare * v.weight);
      }
    }
    this.shareHistory.push({ t: now, shares });
    while (this.shareHistory.length > 0 && this.shareHistory[0] !== undefined && this.shareHistory[0].t < now - HISTORY_MS) this.shareHistory.shift();
  }

  /** Models, and each model's rollouts (history), newest first. */
  async readModels() {
    const versions = /** @type {ModelVersionInfo[]} */ (await this.api.get('/models'));
    this.models = [...new Set(versions.map((v) => v.model))].sort();
    const histories = await Promise.all(this.models.map((m) => this.api.get(`/models/${encodeURIComponent(m)}/rollouts`)));
    for (const list of histories) for (const r of /** @type {Rollout[]} */ (list)) this.rollouts.set(r.id, r);
    this.trimRollouts();
    this.changed();
  }

  /** Rollouts an event named, and every rollout still in progress. */
  async readRollouts() {
    const ids = new Set(this.dirtyRollouts);
    this.dirtyRollouts.clear();
    for (const r of this.rollouts.values()) if (!TERMINAL.has(r.status)) ids.add(r.id);
    if (ids.size === 0) return;
    const got = await Promise.all([...ids].map((id) => this.api.get(`/rollouts/${id}`)));
    for (const r of /** @type {Rollout[]} */ (got)) this.rollouts.set(r.id, r);
    this.trimRollouts();
    this.changed();
  }

  trimRollouts() {
    const ids = [...this.rollouts.keys()].sort((a, b) => b - a);
    for (const id of ids.slice(MAX_ROLLOUTS)) this.rollouts.delete(id);
  }

  /** Requests, errors and latency per region × version, for models placed somewhere. */
  async readMetrics() {
    if (this.metrics === null) return;
    const placed = this.status.filter((m) => m.regions.length > 0).map((m) => m.model);
    for (const model of placed) {
      try {
        const m = /** @type {Metrics} */ (await this.api.get(`/models/${encodeURIComponent(model)}/metrics?window=300`));
        this.metrics?.set(model, m);
      } catch (e) {
        if (noSuchRoute(e)) {
          this.metrics = null; // this control plane has no metrics endpoint: traffic shares only
          break;
        }
        throw e;
      }
    }
    this.changed();
  }

  /** The analysis of the rollout on screen, when it has a strategy that analyses. */
  async readAnalysis() {
    const id = this.focusRollout;
    const r = id === null ? undefined : this.rollouts.get(id);
    if (this.analysis === null || r === undefined || r.strategy === undefined || r.strategy.type === 'all-at-once') return;
    if (TERMINAL.has(r.status) && this.analysis.has(r.id)) return;
    try {
      this.analysis.set(r.id, /** @type {AnalysisRun[]} */ (await this.api.get(`/rollouts/${r.id}/analysis`)));
    } catch (e) {
      if (!noSuchRoute(e)) throw e;
      this.analysis = null;
    }
    this.changed();
  }
}

/**
 * Where routers can run (the edge catalog, shipped with the dashboard's files until the API lists
 * its routers); [] if absent.
 * @returns {Promise<Edge[]>}
 */
async function fetchEdges() {
  try {
    const r = await fetch('edges.json');
    return r.ok ? /** @type {Edge[]} */ (await r.json()) : [];
  } catch {
    return [];
  }
}
