// The dashboard's files as the control plane serves them (real API server on port 0, over the
// fake control plane): the redirect, headers, gzip, revalidation, refusals; that every module the
// page imports is served; that the hand-written browser modules type-check; that the embedded land
// outlines put every catalog region on land; and the size budget of the whole payload.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { loadEdgeCatalog } from '../../src/config/regions/edges.js';
import { dashboardFiles, DASHBOARD_STATIC_DIR } from '../../src/dashboard/assets.js';
import { startApi, type Running } from '../api/api-helpers.js';

/** A raw GET (fetch would decompress and hide content-encoding). */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((res, rej) => {
    const req = request(url, { method, headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', rej);
    req.end();
  });
}

const files = dashboardFiles({ edges: loadEdgeCatalog().all() });

describe('dashboard files over HTTP', () => {
  let api: Running;
  let bare: Running;
  before(async () => {
    api = await startApi({ dashboard: files });
    bare = await startApi();
  });
  after(async () => {
    await api.close();
    await bare.close();
  });

  it('redirects / to /dashboard/, keeping the query', async () => {
    for (const [from, to] of [['/', '/dashboard/'], ['/?edge=london', '/dashboard/?edge=london'], ['/dashboard', '/dashboard/']]) {
      const r = await raw(api.url + from);
      assert.equal(r.status, 302, from);
      assert.equal(r.headers.location, to);
    }
  });

  it('serves the page with a strict CSP, nosniff and no referrer', async () => {
    const r = await raw(`${api.url}/dashboard/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(r.headers['content-security-policy']), /default-src 'none'; script-src 'self'; style-src 'self'/);
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.match(r.body.toString(), /<script type="module" src="main.js"><\/script>/);
    assert.doesNotMatch(r.body.toString(), /<script>|style="|https?:\/\//, 'no inline script or style, nothing from another origin');
  });

  it('serves every module the page loads, and every module they import', async () => {
    const html = (await raw(`${api.url}/dashboard/`)).body.toString();
    const wanted = new Set([...html.matchAll(/(?:href|src)="([\w-]+\.(?:js|css))"/g)].map((m) => m[1]!));
    const seen = new Set<string>();
    while (wanted.size > 0) {
      const name = [...wanted][0]!;
      wanted.delete(name);
      seen.add(name);
      const r = await raw(`${api.url}/dashboard/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.headers['content-type'], name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', name);
      for (const m of r.body.toString().matchAll(/^import .* from '\.\/([\w-]+\.js)';$/gm)) if (!seen.has(m[1]!)) wanted.add(m[1]!);
    }
    assert.ok(seen.has('world.js') && seen.has('live.js') && seen.has('app.css'), [...seen].join(', '));
    // The modulepreload list names every module, so none waits for its importer to load first.
    const preloaded = new Set([...html.matchAll(/rel="modulepreload" href="([\w-]+\.js)"/g)].map((m) => m[1]!));
    assert.deepEqual([...seen].filter((n) => n.endsWith('.js') && n !== 'main.js' && !preloaded.has(n)), []);
  });

  it('gzips for clients that accept it, and revalidates with the ETag (304, no body)', async () => {
    const plain = await raw(`${api.url}/dashboard/world.js`);
    const packed = await raw(`${api.url}/dashboard/world.js`, { 'accept-encoding': 'gzip, br' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(packed.headers['content-encoding'], 'gzip');
    assert.equal(packed.headers.vary, 'accept-encoding');
    assert.ok(packed.body.length < plain.body.length / 2, `${packed.body.length} vs ${plain.body.length}`);
    assert.deepEqual(gunzipSync(packed.body), plain.body);
    assert.equal(packed.headers['cache-control'], 'no-cache');
    const again = await raw(`${api.url}/dashboard/world.js`, { 'if-none-match': String(plain.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const changed = await raw(`${api.url}/dashboard/world.js`, { 'if-none-match': '"something-else"' });
    assert.equal(changed.status, 200);
  });

  it('HEAD sends the headers only; other methods are refused with Allow', async () => {
    const head = await raw(`${api.url}/dashboard/app.css`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers['content-length']) > 1000);
    assert.equal(head.body.length, 0);
    const post = await raw(`${api.url}/dashboard/`, {}, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  it('serves nothing outside its files: traversal, its jsconfig, unknown names are 404', async () => {
    for (const p of ['/dashboard/../package.json', '/dashboard/%2e%2e/package.json', '/dashboard/..%2fpackage.json', '/dashboard/jsconfig.json', '/dashboard/nope.js', '/dashboard/static/main.js']) {
      const r = await raw(api.url + p);
      assert.equal(r.status, 404, p);
      assert.equal(JSON.parse(r.body.toString()).code, 'NOT_FOUND', p);
    }
  });

  it('ships the edge catalog for the map, and leaves the API to its token', async () => {
    const edges = JSON.parse((await raw(`${api.url}/dashboard/edges.json`)).body.toString());
    assert.deepEqual(edges.map((e: any) => e.name), loadEdgeCatalog().all().map((e) => e.name));
    assert.deepEqual(Object.keys(edges[0]).sort(), ['city', 'country', 'latitude', 'longitude', 'name']);
    const anonymous = await raw(`${api.url}/api/v1/status`);
    assert.equal(anonymous.status, 401);
  });

  it('without the dashboard option the server is the API alone', async () => {
    assert.equal((await raw(`${bare.url}/`)).status, 404);
    assert.equal((await raw(`${bare.url}/dashboard/`)).status, 404);
  });
});

describe('dashboard browser modules', () => {
  it('type-check against the API contract (tsc, DOM lib, JSDoc types)', async () => {
    const tsc = resolve('node_modules/typescript/bin/tsc');
    const out = await new Promise<{ code: number; text: string }>((res) =>
      execFile(process.execPath, [tsc, '-p', resolve(DASHBOARD_STATIC_DIR, 'jsconfig.json')], (err, stdout, stderr) => res({ code: err === null ? 0 : Number(err.code ?? 1), text: stdout + stderr })),
    );
    assert.equal(out.code, 0, out.text);
  });

  it('the land outlines put every catalog region and edge on land (within 50 km: coastal cities)', async () => {
    const { LAND } = (await import(pathToFileURL(resolve(DASHBOARD_STATIC_DIR, 'world.js')).href)) as { LAND: number[][] };
    const inside = (lon: number, lat: number, ring: number[]): boolean => {
      let c = false;
      for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
        const [xi, yi, xj, yj] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) c = !c;
      }
      return c;
    };
    /** Distance to the ring's nearest edge, on a local flat approximation (fine at 50 km). */
    const distanceKm = (lon: number, lat: number, ring: number[]): number => {
      const kx = 111.32 * Math.cos((lat * Math.PI) / 180);
      const ky = 110.57;
      let best = Infinity;
      for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
        const [ax, ay, bx, by] = [(ring[j]! - lon) * kx, (ring[j + 1]! - lat) * ky, (ring[i]! - lon) * kx, (ring[i + 1]! - lat) * ky];
        const [dx, dy] = [bx - ax, by - ay];
        const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
        best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
      }
      return best;
    };
    const places = [...loadRegionCatalog().all().map((r) => ({ name: r.code, lon: r.longitude, lat: r.latitude })), ...loadEdgeCatalog().all().map((e) => ({ name: e.name, lon: e.longitude, lat: e.latitude }))];
    const off = places.filter((p) => !LAND.some((ring) => inside(p.lon, p.lat, ring)) && Math.min(...LAND.map((ring) => distanceKm(p.lon, p.lat, ring))) > 50);
    assert.deepEqual(off.map((p) => p.name), []);
    // And the outlines are not one big rectangle: mid-ocean points are water.
    for (const [lon, lat, sea] of [[-40, 30, 'North Atlantic'], [-150, 0, 'Pacific'], [80, -20, 'Indian Ocean'], [18, 40, 'Ionian Sea']] as const) {
      assert.ok(!LAND.some((ring) => inside(lon, lat, ring)), sea);
    }
  });

  it('the whole dashboard stays small: under 45 KB gzipped', () => {
    let total = 0;
    for (const f of files.values()) total += gzipSync(f.body, { level: 9 }).length;
    console.log(`dashboard payload: ${files.size} files, ${total} bytes gzipped`);
    assert.ok(total < 45 * 1024, `${total} bytes`);
  });
});
