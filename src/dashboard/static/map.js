// The world map: an equirectangular SVG (x = longitude, y = latitude, cropped to 84°N–58°S) with
// the land outlines of world.js, every catalog region as a faint point, deployed regions as dots
// coloured by health and labelled with versions and traffic share, and the router's edge with a
// line to each region its traffic went to, as thick as the region's share.
import { s, fill } from './dom.js';
import { pct } from './format.js';
import { LAND, SEAS } from './world.js';

/** @typedef {import('./types.js').RegionInfo} RegionInfo */
/** @typedef {import('./types.js').Edge} Edge */

export const WIDTH = 1000;
const TOP = 84;
const BOTTOM = -58;
const K = WIDTH / 360;
export const HEIGHT = Math.round((TOP - BOTTOM) * K);

/**
 * @param {number} lon
 * @param {number} lat
 * @returns {[number, number]}
 */
export function project(lon, lat) {
  return [(lon + 180) * K, (TOP - lat) * K];
}

/** @param {number[][]} rings flattened [lon, lat, …] rings */
function pathOf(rings) {
  let d = '';
  for (const r of rings) {
    for (let i = 0; i + 1 < r.length; i += 2) {
      const [x, y] = project(r[i] ?? 0, r[i + 1] ?? 0);
      d += `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    }
    d += 'Z';
  }
  return d;
}

function graticule() {
  let d = '';
  for (let lon = -150; lon < 180; lon += 30) {
    const [x] = project(lon, 0);
    d += `M${x.toFixed(1)} 0V${HEIGHT}`;
  }
  for (let lat = -30; lat <= 60; lat += 30) {
    const [, y] = project(0, lat);
    d += `M0 ${y.toFixed(1)}H${WIDTH}`;
  }
  return d;
}

/**
 * One deployed region as the map shows it.
 * @typedef {{
 *   code: string, lon: number, lat: number,
 *   health: 'healthy' | 'degraded' | 'down' | 'unknown',
 *   busy: boolean,
 *   lines: string[],
 *   share: number,
 *   candidate: boolean,
 * }} MapRegion
 */

/** @typedef {{ regions: MapRegion[], catalog: RegionInfo[], edge: Edge | null, anyTraffic: boolean }} MapData */

/** @typedef {{ x: number, y: number, w: number, h: number }} Box */

/** @param {Box} a @param {Box} b */
const overlap = (a, b) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

const LINE_H = 11;
const CHAR_W = 5.6;

export class WorldMap {
  /** @param {SVGSVGElement} svg */
  constructor(svg) {
    this.svg = svg;
    svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute('role', 'img');
    const defs = s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse', markerUnits: 'strokeWidth' }, s('path', { d: 'M0 0L10 5L0 10z', class: 'arrowhead' })));
    this.catalogLayer = s('g', { class: 'catalog' });
    this.routeLayer = s('g', { class: 'routes' });
    this.regionLayer = s('g', { class: 'regions' });
    this.labelLayer = s('g', { class: 'labels' });
    fill(
      svg,
      defs,
      s('rect', { class: 'ocean', width: WIDTH, height: HEIGHT }),
      s('path', { class: 'graticule', d: graticule() }),
      s('path', { class: 'land', d: pathOf(LAND) }),
      s('path', { class: 'ocean sea', d: pathOf(SEAS) }),
      this.catalogLayer,
      this.routeLayer,
      this.regionLayer,
      this.labelLayer,
    );
    this.catalogDrawn = false;
  }

  /** @param {MapData} data */
  render(data) {
    if (!this.catalogDrawn && data.catalog.length > 0) {
      fill(this.catalogLayer, ...data.catalog.map((r) => {
        const [x, y] = project(r.longitude, r.latitude);
        return s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 1.6 }, s('title', {}, `${r.code} · ${r.city} (${r.provider})`));
      }));
      this.catalogDrawn = true;
    }
    const placed = spread(data.regions);
    const edgeAt = data.edge === null ? null : project(data.edge.longitude, data.edge.latitude);

    // Routes first, under the dots: the edge to every region that took traffic (or could, when idle).
    /** @type {SVGElement[]} */
    const routes = [];
    if (edgeAt !== null) {
      for (const { r, x, y } of placed) {
        const idle = !data.anyTraffic;
        if (idle ? !r.candidate : r.share <= 0) continue;
        const [ex, ey] = edgeAt;
        // A gentle arc, bowed to one side, so lines to nearby regions don't sit on top of each other.
        const mx = (ex + x) / 2 - (y - ey) * 0.15;
        const my = (ey + y) / 2 + (x - ex) * 0.15 - 8;
        const width = idle ? 1 : 1.2 + 7 * r.share;
        routes.push(s('path', { class: idle ? 'route idle' : 'route', d: `M${ex.toFixed(1)} ${ey.toFixed(1)}Q${mx.toFixed(1)} ${my.toFixed(1)} ${x.toFixed(1)} ${y.toFixed(1)}`, 'stroke-width': width.toFixed(2), 'marker-end': 'url(#arrow)', 'data-region': r.code, 'data-share': r.share.toFixed(3) }, s('title', {}, idle ? `${r.code}: a candidate; no traffic in the last minute` : `${pct(r.share)} of the traffic went to ${r.code}`)));
      }
    }
    fill(this.routeLayer, ...routes);

    /** @type {SVGElement[]} */
    const dots = placed.map(({ r, x, y }) =>
      s(
        'g',
        { class: `region ${r.health}${r.busy ? ' busy' : ''}`, 'data-region': r.code, 'data-health': r.health, transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` },
        r.busy ? s('circle', { class: 'pulse', r: 9 }) : null,
        s('circle', { class: 'dot', r: 5.5 }),
        s('title', {}, `${r.code}: ${r.health}${r.busy ? ', rollout in progress' : ''}\n${r.lines.join('\n')}`),
      ),
    );
    if (edgeAt !== null && data.edge !== null) {
      const [ex, ey] = edgeAt;
      dots.push(s('g', { class: 'edge', 'data-edge': data.edge.name, transform: `translate(${ex.toFixed(1)} ${ey.toFixed(1)})` }, s('rect', { x: -5, y: -5, width: 10, height: 10, transform: 'rotate(45)' }), s('title', {}, `router at the ${data.edge.city} edge`)));
    }
    fill(this.regionLayer, ...dots);
    fill(this.labelLayer, ...this.labels(placed, edgeAt, data.edge));
  }

  /**
   * Labels placed greedily: right of the dot, else left, below or above, whichever overlaps
   * least with labels and dots already placed.
   * @param {{ r: MapRegion, x: number, y: number }[]} placed
   * @param {[number, number] | null} edgeAt
   * @param {Edge | null} edge
   */
  labels(placed, edgeAt, edge) {
    /** @type {Box[]} */
    const taken = placed.map(({ x, y }) => ({ x: x - 6, y: y - 6, w: 12, h: 12 }));
    /** @type {SVGElement[]} */
    const out = [];
    /** @type {{ x: number, y: number, lines: string[], cls: string, code: string }[]} */
    const items = placed.map(({ r, x, y }) => ({ x, y, lines: [r.code, ...r.lines], cls: 'label', code: r.code }));
    if (edgeAt !== null && edge !== null) items.push({ x: edgeAt[0], y: edgeAt[1], lines: ['router', edge.city], cls: 'label edge-label', code: '' });
    for (const it of items) {
      const w = Math.max(...it.lines.map((l) => l.length)) * CHAR_W + 8;
      const h = it.lines.length * LINE_H + 4;
      const options = [
        { x: it.x + 9, y: it.y - h / 2 },
        { x: it.x - 9 - w, y: it.y - h / 2 },
        { x: it.x - w / 2, y: it.y + 9 },
        { x: it.x - w / 2, y: it.y - 9 - h },
        { x: it.x + 9, y: it.y + 4 },
        { x: it.x + 9, y: it.y - h - 4 },
      ].map((o) => ({ ...o, x: Math.min(Math.max(o.x, 1), WIDTH - w - 1), y: Math.min(Math.max(o.y, 1), HEIGHT - h - 1), w, h }));
      let best = options[0];
      let bestCost = Infinity;
      for (const o of options) {
        const cost = taken.reduce((sum, b) => sum + overlap(o, b), 0);
        if (cost < bestCost) {
          best = o;
          bestCost = cost;
        }
        if (cost === 0) break;
      }
      if (best === undefined) continue;
      taken.push(best);
      out.push(
        s(
          'g',
          { class: it.cls, 'data-region': it.code || null, transform: `translate(${best.x.toFixed(1)} ${best.y.toFixed(1)})` },
          s('rect', { width: w.toFixed(1), height: h, rx: 3 }),
          ...it.lines.map((l, i) => s('text', { x: 4, y: 11 + i * LINE_H, class: i === 0 ? 'title' : null }, l)),
        ),
      );
    }
    return out;
  }
}

/**
 * Positions: regions that share a city (us-east-1 and us-east4 are both Ashburn) are set around
 * it in a small circle so each stays visible and clickable.
 * @param {MapRegion[]} regions
 */
function spread(regions) {
  /** @type {Map<string, MapRegion[]>} */
  const groups = new Map();
  for (const r of regions) {
    const key = `${r.lon.toFixed(1)},${r.lat.toFixed(1)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].flatMap((g) =>
    g.map((r, i) => {
      const [x, y] = project(r.lon, r.lat);
      if (g.length === 1) return { r, x, y };
      const a = (2 * Math.PI * i) / g.length - Math.PI / 2;
      return { r, x: x + 8 * Math.cos(a), y: y + 8 * Math.sin(a) };
    }),
  );
}
