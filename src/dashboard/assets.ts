// The dashboard's files as the control plane serves them: the hand-written ES modules, HTML and
// CSS under static/, served as they are (no bundler, no build step: `npm ci` is all a user runs),
// read once at start, plus `edges.json` — the edge catalog the composition root hands over, so
// the map can place the router until the API lists its routers.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EdgeLocation } from '../core/regions.js';

/** One file to serve; the api layer's StaticFile has the same shape. */
export interface DashboardFile {
  body: Uint8Array;
  contentType: string;
}

/**
 * static/ in the source tree. This module runs compiled from dist/src/dashboard/, and tsc copies
 * no assets, so it reaches back to src/ (the package ships both).
 */
export const DASHBOARD_STATIC_DIR = fileURLToPath(new URL('../../../src/dashboard/static/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Files next to the assets that are not for the browser. */
const NOT_SERVED = new Set(['jsconfig.json']);

export interface DashboardFilesOptions {
  /** Where routers can run (the edge catalog). */
  edges: readonly EdgeLocation[];
  dir?: string;
}

/** Every file of the dashboard, by path below its mount point. @throws when `dir` can't be read */
export function dashboardFiles(o: DashboardFilesOptions): Map<string, DashboardFile> {
  const dir = o.dir ?? DASHBOARD_STATIC_DIR;
  const files = new Map<string, DashboardFile>();
  for (const name of readdirSync(dir).sort()) {
    const contentType = TYPES[extname(name)];
    if (contentType === undefined || NOT_SERVED.has(name)) continue;
    files.set(name, { body: readFileSync(join(dir, name)), contentType });
  }
  const edges = o.edges.map((e) => ({ name: e.name, city: e.city, country: e.country, latitude: e.latitude, longitude: e.longitude }));
  files.set('edges.json', { body: Buffer.from(JSON.stringify(edges)), contentType: TYPES['.json']! });
  return files;
}
