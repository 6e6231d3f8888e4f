// Line charts per model, one line per region × version on shared axes (so a canary and its
// baseline sit side by side): requests/s, error rate, p50 and p99 latency from the API's metrics,
// and the traffic share from the status polls.
import { h, s, fill } from './dom.js';
import { num } from './format.js';

/** @typedef {import('./live.js').Live} Live */
/** @typedef {import('./types.js').SeriesLine} SeriesLine */
/** @typedef {{ key: string, label: string, dashed: boolean, points: { t: number, v: number }[] }} Series */

const W = 440;
const H = 130;
const PAD = { left: 40, right: 8, top: 8, bottom: 18 };
const PALETTE = ['#4c9aff', '#f5a623', '#2ecc71', '#e5484d', '#b37feb', '#36cfc9', '#f759ab', '#d4b106'];
const WINDOW_MS = 5 * 60_000;

/**
 * One colour per region × version of a model, the same in each of its charts.
 * @param {string[]} keys
 * @returns {(key: string) => string}
 */
function palette(keys) {
  const sorted = [...new Set(keys)].sort();
  return (key) => PALETTE[Math.max(0, sorted.indexOf(key)) % PALETTE.length] ?? '#4c9aff';
}

/** A round upper bound for the y axis. @param {number} max */
function niceMax(max) {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  // Multiples that give round quarter ticks: 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5 × p.
  for (const m of [1, 2, 3, 4, 6, 8, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/**
 * @param {string} title
 * @param {string} unit
 * @param {Series[]} series
 * @param {number} now
 * @param {(key: string) => string} colourOf
 * @param {number} [fixedMax]
 */
export function lineChart(title, unit, series, now, colourOf, fixedMax) {
  const t0 = now - WINDOW_MS;
  const all = series.flatMap((x) => x.points.filter((p) => p.t >= t0).map((p) => p.v));
  const max = fixedMax ?? niceMax(Math.max(0, ...all));
  const x = (/** @type {number} */ t) => PAD.left + ((t - t0) / WINDOW_MS) * (W - PAD.left - PAD.right);
  const y = (/** @type {number} */ v) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  /** @type {SVGElement[]} */
  const grid = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    grid.push(s('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(v).toFixed(1), y2: y(v).toFixed(1) }));
    grid.push(s('text', { class: 'axis', x: PAD.left - 4, y: (y(v) + 3).toFixed(1), 'text-anchor': 'end' }, num(v, max < 5 ? 2 : 0)));
  }
  for (let m = 0; m <= 5; m++) {
    const t = now - m * 60_000;
    grid.push(s('text', { class: 'axis', x: x(t).toFixed(1), y: H - 4, 'text-anchor': m === 0 ? 'end' : 'middle' }, m === 0 ? 'now' : `−${m} min`));
  }
  const lines = series.map((sr) => {
    const pts = sr.points.filter((p) => p.t >= t0);
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)} ${y(Math.min(p.v, max)).toFixed(1)}`).join('');
    return s('path', { class: sr.dashed ? 'series dashed' : 'series', d: d || 'M0 0', stroke: colourOf(sr.key), 'data-series': sr.key }, s('title', {}, sr.label));
  });
  const empty = all.length === 0 ? s('text', { class: 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data yet') : null;
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title, h('span', { class: 'unit' }, unit)),
    s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': title }, ...grid, ...lines, empty),
  );
}

/** @param {Series[]} series @param {(key: string) => string} colourOf */
function legend(series, colourOf) {
  return h('ul', { class: 'legend' }, ...series.map((sr) => h('li', {}, h('span', { class: sr.dashed ? 'swatch dashed' : 'swatch', 'data-colour': colourOf(sr.key) }), sr.label)));
}

/**
 * @param {SeriesLine[]} lines
 * @param {number} bucketSeconds
 * @param {(p: SeriesLine['points'][number]) => number | null} value
 * @returns {Series[]}
 */
function fromMetrics(lines, bucketSeconds, value) {
  return lines.map((l) => ({
    key: `${l.region} ${l.version}${l.mirror ? ' shadow' : ''}`,
    label: `${l.region} ${l.version}${l.mirror ? ' (shadow copy)' : ''}`,
    dashed: l.mirror,
    points: l.points.flatMap((p) => {
      const v = value(p);
      // Plot at the bucket's middle, so the newest, still-filling bucket isn't drawn as "now".
      return v === null ? [] : [{ t: p.t + (bucketSeconds * 1000) / 2, v }];
    }),
  }));
}

/**
 * @param {Live} live
 * @param {string} model
 * @returns {Series[]}
 */
function shares(live, model) {
  /** @type {Map<string, Series>} */
  const out = new Map();
  for (const { t, shares: at } of live.shareHistory) {
    for (const [k, v] of at) {
      const [m, region, version] = k.split('\t');
      if (m !== model || region === undefined || version === undefined) continue;
      const key = `${region} ${version}`;
      let sr = out.get(key);
      if (sr === undefined) {
        sr = { key, label: key, dashed: false, points: [] };
        out.set(key, sr);
      }
      sr.points.push({ t, v: v * 100 });
    }
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * @param {HTMLElement} el
 * @param {Live} live
 * @param {string} model '' for every model placed somewhere
 */
export function renderCharts(el, live, model) {
  const now = Date.now();
  const models = live.status.filter((m) => m.regions.length > 0 && (model === '' || m.model === model)).map((m) => m.model);
  if (models.length === 0) {
    fill(el, h('p', { class: 'muted' }, 'No model is deployed yet.'));
    return;
  }
  fill(
    el,
    ...models.map((m) => {
      const metrics = live.metrics?.get(m);
      const shareSeries = shares(live, m);
      /** @type {HTMLElement[]} */
      const charts = [];
      /** @type {Series[]} */
      let legendSeries = shareSeries;
      const b = metrics?.bucketSeconds ?? 1;
      const lines = metrics?.lines ?? [];
      const rps = fromMetrics(lines, b, (p) => p.requests / b);
      const colourOf = palette([...shareSeries, ...rps].map((x) => x.key));
      if (metrics !== undefined) {
        legendSeries = rps.length > 0 ? [...rps, ...shareSeries.filter((x) => !rps.some((y) => y.key === x.key))] : shareSeries;
        charts.push(
          lineChart('Requests', '/s', rps, now, colourOf),
          lineChart('Error rate', '%', fromMetrics(lines, b, (p) => (p.requests === 0 ? null : (100 * p.errors) / p.requests)), now, colourOf),
          lineChart('Latency p50', 'ms', fromMetrics(lines, b, (p) => p.p50Ms), now, colourOf),
          lineChart('Latency p99', 'ms', fromMetrics(lines, b, (p) => p.p99Ms), now, colourOf),
        );
      }
      charts.push(lineChart('Traffic share', '% of the model’s requests, last minute', shareSeries, now, colourOf, 100));
      return h(
        'section',
        { class: 'chart-group', 'data-model': m },
        h('h3', {}, m),
        legend(legendSeries, colourOf),
        h('div', { class: 'chart-grid' }, ...charts),
        live.metrics === null ? h('p', { class: 'muted small' }, 'Requests/s, error rate and latency need the control plane’s metrics endpoint (GET /api/v1/models/{model}/metrics), which this one does not have.') : null,
      );
    }),
  );
  // Swatch colours are set here, not inline in markup: the CSP allows no inline styles.
  for (const sw of el.querySelectorAll('.swatch')) if (sw instanceof HTMLElement) sw.style.background = sw.dataset.colour ?? '';
}
