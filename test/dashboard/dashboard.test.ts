// The dashboard in a real browser (Debian's Chromium through playwright-core) against a real local
// environment — control plane, router, model servers as processes — driven from the CLI and the
// API the way an operator would: sign-in, a deploy appearing live, a drill turning a region red and
// moving traffic, and roles. Screenshots go to test-artifacts/dashboard/; the page's load time and
// payload size to test-artifacts/dashboard-load.json (BENCHMARKS.md reports a run).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { killAll, runCli } from '../helpers/processes.js';
import { launchChromium, newPage, screenshot, signIn, waitForLabel, waitForShare } from './browser.js';

/** Dublin, where eu-west-1 is: under the geoproximity policy its clients go there. */
const DUBLIN = '53.35,-6.26';
const BODY = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [6.7, 3.0, 5.2, 2.3] }] });

/** Runs in the page: navigation and resource timings, split into the dashboard's files and API calls. */
const MEASURE = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const data = performance.getEntriesByName('meridian:data')[0];
  const res = performance.getEntriesByType('resource').filter((r) => r.startTime <= data.startTime);
  const part = (prefix) => res.filter((r) => new URL(r.name).pathname.startsWith(prefix));
  const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);
  const files = part('/dashboard/');
  const api = part('/api/v1/');
  return {
    documentMs: Math.round(nav.responseEnd),
    domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
    loadEventMs: Math.round(nav.loadEventEnd),
    firstDataMs: Math.round(data.startTime),
    files: { requests: files.length + 1, transferBytes: nav.transferSize + sum(files, 'transferSize'), encodedBytes: nav.encodedBodySize + sum(files, 'encodedBodySize'), decodedBytes: nav.decodedBodySize + sum(files, 'decodedBodySize') },
    apiUntilFirstData: { requests: api.length, transferBytes: sum(api, 'transferSize'), decodedBytes: sum(api, 'decodedBodySize') },
  };
})()`;

describe('dashboard in Chromium, against a real local environment', { timeout: 240_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-dashboard-'));
  const env = { ...process.env, MERIDIAN_HOME: home };
  const cli = (...args: string[]) => runCli(args, env);
  let apiUrl = '';
  let routerUrl = '';
  let admin = '';
  let viewer = '';
  let deployer = '';
  let browser: Browser | undefined;
  /** The admin's page: open from the first test to the last, so every change must arrive live. */
  let page: Page;
  const pageErrors: string[] = [];

  const api = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const r = await fetch(`${apiUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  /** Sends `n` requests from Dublin through the router; counts by the region that answered. */
  const infer = async (n: number): Promise<Record<string, number>> => {
    const by: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${routerUrl}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'meridian-client-location': DUBLIN }, body: BODY });
      await r.arrayBuffer();
      const region = r.status === 200 ? (r.headers.get('meridian-region') ?? '?') : `status ${r.status}`;
      by[region] = (by[region] ?? 0) + 1;
    }
    return by;
  };
  const token = async (name: string, role: string): Promise<string> => {
    const r = await cli('tokens', 'create', name, '--role', role, '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).token;
  };

  before(async () => {
    const up = await cli('up', '--detach', '--regions', 'us-east-1,eu-west-1', '--replicas', '1', '--no-latency-emulation', '--data-dir', join(home, 'data'));
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /dashboard {6}http:\/\/127\.0\.0\.1:\d+\/dashboard\/\?edge=new-york/, 'meridian up prints the dashboard URL');
    const cfg = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    [apiUrl, routerUrl, admin] = [cfg.apiUrl, cfg.routerUrl, cfg.token];
    viewer = await token('vera', 'viewer');
    deployer = await token('dev', 'deployer');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await cli('down');
    killAll();
    rmSync(home, { recursive: true, force: true });
  });

  it('shows nothing without a token, refuses a wrong one, and shows the world to a signed-in admin', async () => {
    const p = await newPage(browser!);
    page = p.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/')) apiCalls.push(r.url());
    });
    await page.goto(`${apiUrl}/?edge=new-york`);
    assert.equal(new URL(page.url()).pathname, '/dashboard/', 'the root redirects to the dashboard');
    await page.waitForSelector('#signin:not([hidden])');
    assert.equal(await page.isVisible('#app'), false);
    assert.equal(await page.isVisible('#session'), false);
    assert.equal(await page.locator('#map g.region, #rollout-list tr, #events tr').count(), 0);
    assert.deepEqual(apiCalls, [], 'nothing is asked of the API before sign-in');

    await page.fill('#token', 'not-a-real-token-0123456789');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#signin-error:not([hidden])');
    assert.match((await page.textContent('#signin-error')) ?? '', /That token was refused: the bearer token is not valid/);
    assert.equal(await page.isVisible('#app'), false);
    assert.equal(await page.evaluate('sessionStorage.getItem("meridian.token")'), null, 'a refused token is not kept');

    await signIn(page, admin);
    assert.match((await page.textContent('#me')) ?? '', /admin \(meridian up\)\s*admin/);
    for (const r of ['us-east-1', 'eu-west-1']) {
      await page.waitForSelector(`#map g.region[data-region="${r}"][data-health="healthy"]`, { timeout: 15_000 });
      assert.match((await page.textContent(`#map g.label[data-region="${r}"]`)) ?? '', new RegExp(`^${r}iris v2 · [<\\d]+%$`));
    }
    assert.equal(await page.locator('#map g.region').count(), 2, 'only deployed regions get a dot');
    assert.ok((await page.locator('#map .catalog circle').count()) >= 80, 'every catalog region is a faint point');
    assert.equal(await page.locator('#map g.edge[data-edge="new-york"]').count(), 1, 'the router edge from ?edge=');
    await page.waitForSelector('#rollout-list tr[data-rollout="1"] [data-state="succeeded"]');
    await page.waitForSelector('#events tr[data-kind="rollout.succeeded"]');
    await page.waitForSelector('#stream.live');

    // The session survives a reload of the tab (sessionStorage), without the form.
    await page.reload();
    await page.waitForSelector('#app:not([hidden]) #map g.region[data-region="eu-west-1"]');
    assert.equal(await page.isVisible('#signin'), false);
    await screenshot(page, '01-signed-in');
    assert.deepEqual(p.errors, []);
  });

  it('loads fast and small (measured cold and warm; written to test-artifacts/dashboard-load.json)', async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
    // Signed in from the start, as a returning user in this tab is.
    await context.addInitScript(`sessionStorage.setItem('meridian.token', ${JSON.stringify(admin)})`);
    const p = await context.newPage();
    const until = async (): Promise<any> => {
      await p.waitForFunction(() => performance.getEntriesByName('meridian:data').length > 0, undefined, { timeout: 15_000 });
      return p.evaluate(MEASURE);
    };
    await p.goto(`${apiUrl}/dashboard/?edge=new-york`);
    const cold = await until();
    await p.reload();
    const warm = await until();
    await context.close();
    const result = {
      date: new Date().toISOString(),
      what: 'dashboard load, signed in, against a local control plane on loopback: cold (empty cache) and warm (reload: 304s)',
      browser: browser!.version(),
      cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
      cold,
      warm,
    };
    console.log(`dashboard load: ${JSON.stringify(result)}`);
    // Each run's figures are an artefact; the ones reported in BENCHMARKS.md are kept in bench/results/.
    const out = resolve('test-artifacts/dashboard-load.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    assert.ok(cold.files.requests >= 14, `every file was fetched: ${cold.files.requests}`);
    assert.ok(cold.files.transferBytes < 60_000, `${cold.files.transferBytes} bytes over the wire (gzipped)`);
    assert.ok(cold.files.decodedBytes > cold.files.encodedBytes, 'the files came gzipped');
    assert.ok(warm.files.transferBytes < cold.files.transferBytes / 2, 'a reload revalidates (304) instead of downloading again');
    assert.ok(cold.firstDataMs < 5000, `first data after ${cold.firstDataMs} ms`);
  });

  it('a deploy started from the CLI appears live on the map and in the rollout view', async () => {
    // Marks this document: a reload would lose it. Records what the rollout view shows as it changes.
    await page.evaluate(`(() => {
      window.__sameDocument = true;
      window.__seen = [];
      const note = (k) => { if (!window.__seen.includes(k)) window.__seen.push(k); };
      new MutationObserver(() => {
        const head = document.querySelector('#rollout-detail .rollout-head');
        if (head) note('rollout ' + head.dataset.rollout + ' ' + head.dataset.status);
        for (const c of document.querySelectorAll('#rollout-detail .phase-card')) note(c.dataset.region + ' ' + c.dataset.phase);
      }).observe(document.getElementById('rollout-detail'), { subtree: true, childList: true, attributes: true });
    })()`);
    const deploying = cli('deploy', 'iris:v1', '--regions', 'us-east-1,eu-west-1,ap-southeast-1', '--replicas', '1', '--output', 'json');
    // ap-southeast-1 ran nothing: its dot appears while the rollout works on it.
    await page.waitForSelector('#map g.region[data-region="ap-southeast-1"]', { timeout: 30_000 });
    const done = await deploying;
    assert.equal(done.code, 0, done.stderr);
    const rollout = JSON.parse(done.stdout);
    assert.equal(rollout.status, 'succeeded');
    await page.waitForSelector(`#rollout-detail .rollout-head[data-rollout="${rollout.id}"][data-status="succeeded"]`, { timeout: 10_000 });
    assert.equal(await page.locator('#rollout-detail .wave').count(), 3, 'one wave per region (parallel 1)');
    assert.equal(await page.locator('#rollout-detail .phase-card[data-phase="verified"]').count(), 3);
    assert.equal(await page.locator('#rollout-detail .phase-card .checks li.ok').count(), 9, 'ready, golden and latency passed in each region');
    await page.waitForSelector(`#rollout-list tr[data-rollout="${rollout.id}"] [data-state="succeeded"]`);
    for (const r of ['us-east-1', 'eu-west-1', 'ap-southeast-1']) await waitForLabel(page, r, /iris v1/);
    await page.waitForSelector('#events tr[data-kind="region.verified"]:has-text("ap-southeast-1")');
    const seen: string[] = await page.evaluate('window.__seen');
    console.log(`rollout view showed: ${seen.join(', ')}`);
    assert.ok(seen.some((k) => k === `rollout ${rollout.id} running` || k === `rollout ${rollout.id} pending`), `the rollout was shown while it ran: ${seen.join(', ')}`);
    assert.ok(seen.some((k) => /^\S+ (pending|replicating|provisioning|verifying)$/.test(k)), `a region was shown before it was verified: ${seen.join(', ')}`);
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'no reload: it all came live');
    // `meridian status` and the map agree: both read the same API.
    const status = await cli('status', 'iris', '--output', 'json');
    assert.equal(status.code, 0, status.stderr);
    for (const r of (JSON.parse(status.stdout) as { regions: { region: string; health: string }[] }).regions) {
      await page.waitForSelector(`#map g.region[data-region="${r.region}"][data-health="${r.health}"]`, { timeout: 10_000 });
    }
    await screenshot(page, '02-deploy-live');
  });

  it('a region killed in a drill turns red within seconds, and the traffic arrows move', async () => {
    assert.equal((await cli('traffic', 'iris', '--policy', 'geoproximity')).code, 0);
    await page.selectOption('#model-filter', 'iris');
    // The router learns the policy from its table stream; wait until Dublin's clients reach Dublin.
    const deadline = Date.now() + 15_000;
    while ((await infer(1))['eu-west-1'] !== 1) {
      assert.ok(Date.now() < deadline, 'the router never sent Dublin to eu-west-1');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Nearly all: the router may hedge a slow request into another region.
    const before = await infer(30);
    assert.ok((before['eu-west-1'] ?? 0) >= 27, JSON.stringify(before));
    await waitForShare(page, 'eu-west-1', '>=', 0.8);

    const t0 = Date.now();
    const drill = await api('POST', '/drills', admin, { region: 'eu-west-1', mode: 'kill' });
    assert.equal(drill.status, 200, JSON.stringify(drill.body));
    await page.waitForSelector('#map g.region[data-region="eu-west-1"][data-health="down"]', { timeout: 10_000 });
    const redAfterMs = Date.now() - t0;
    console.log(`eu-west-1 red on the map ${redAfterMs} ms after the drill`);
    assert.ok(redAfterMs < 5000, `${redAfterMs} ms`);
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('#map g.region[data-region="eu-west-1"] .dot')).fill`), 'rgb(229, 72, 77)', 'drawn red');
    await page.waitForSelector('#events tr[data-kind="drill.kill"]');

    const afterKill = await infer(40);
    assert.equal(afterKill['eu-west-1'], undefined, JSON.stringify(afterKill));
    assert.ok((afterKill['us-east-1'] ?? 0) >= 38, `failover to the next nearest region: ${JSON.stringify(afterKill)}`);
    // Shares are over the last minute: 30 requests before, 40 after.
    await waitForShare(page, 'us-east-1', '>=', 0.5);
    await waitForShare(page, 'eu-west-1', '<=', 0.5);
    await screenshot(page, '03-drill-region-down');

    assert.equal((await api('POST', '/drills', admin, { region: 'eu-west-1', mode: 'restore' })).status, 200);
    await page.waitForSelector('#map g.region[data-region="eu-west-1"][data-health="healthy"]', { timeout: 20_000 });
  });

  it('a viewer cannot press promote or roll back, and the API refuses them; a deployer can, after confirming', async () => {
    const v = await newPage(browser!);
    await v.page.goto(`${apiUrl}/dashboard/`);
    await signIn(v.page, viewer);
    assert.match((await v.page.textContent('#me')) ?? '', /vera\s*viewer/);
    await v.page.waitForSelector('#rollout-detail .rollout-head[data-status="succeeded"]');
    const shownId = Number(await v.page.getAttribute('#rollout-detail .rollout-head', 'data-rollout'));
    for (const action of ['promote', 'pause', 'resume', 'abort', 'rollback']) {
      const b = `#rollout-detail button[data-action="${action}"]`;
      assert.equal(await v.page.isDisabled(b), true, action);
      assert.match((await v.page.getAttribute(b, 'title')) ?? '', /your role \(viewer\) cannot change rollouts/, action);
    }
    await v.page.click('#rollout-detail button[data-action="rollback"]', { force: true });
    assert.equal(await v.page.evaluate("document.getElementById('confirm').open"), false, 'a disabled button opens no dialog');
    // The API refuses them too, whatever the page does.
    const refuse = async (path: string): Promise<[number, string]> => v.page.evaluate(`fetch(${JSON.stringify(`/api/v1${path}`)}, { method: 'POST', headers: { authorization: 'Bearer ${viewer}', 'content-type': 'application/json' }, body: '{}' }).then(async (r) => [r.status, (await r.json()).code])`);
    assert.deepEqual(await refuse('/models/iris/rollback'), [403, 'FORBIDDEN']);
    // promote is being added to the API; until it exists the route is unknown (404).
    const doc: any = await (await fetch(`${apiUrl}/openapi.json`)).json();
    const paths = Object.keys(doc.paths);
    assert.deepEqual(await refuse(`/rollouts/${shownId}/promote`), paths.includes('/api/v1/rollouts/{id}/promote') ? [403, 'FORBIDDEN'] : [404, 'NOT_FOUND']);
    await screenshot(v.page, '04-viewer');
    assert.deepEqual(v.errors, []);
    await v.context.close();

    const d = await newPage(browser!);
    const posts: string[] = [];
    d.page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    await d.page.goto(`${apiUrl}/dashboard/`);
    await signIn(d.page, deployer);
    await d.page.waitForSelector(`#rollout-detail .rollout-head[data-rollout="${shownId}"]`);
    const rollback = '#rollout-detail button[data-action="rollback"]';
    assert.equal(await d.page.isEnabled(rollback), true, 'the newest succeeded rollout (v2 → v1) can be rolled back');
    assert.equal(await d.page.isDisabled('#rollout-detail button[data-action="promote"]'), true, 'nothing to promote in a finished all-at-once rollout');
    await d.page.click(rollback);
    await d.page.waitForSelector('#confirm[open]');
    assert.match((await d.page.textContent('#confirm')) ?? '', /Roll iris back\?.*iris:v1 returns to v2/s);
    await d.page.click('#confirm-cancel');
    assert.equal(await d.page.evaluate("document.getElementById('confirm').open"), false);
    assert.deepEqual(posts, [], 'cancel sends nothing');
    await d.page.click(rollback);
    await d.page.click('#confirm-ok');
    await d.page.waitForSelector('#notice:not([hidden])');
    const notice = (await d.page.textContent('#notice')) ?? '';
    const id = Number(/Rollback started: rollout #(\d+)/.exec(notice)?.[1]);
    assert.ok(id > shownId, notice);
    assert.deepEqual(posts, ['/api/v1/models/iris/rollback']);
    await d.page.waitForSelector(`#rollout-detail .rollout-head[data-rollout="${id}"][data-status="succeeded"]`, { timeout: 30_000 });
    // The admin's page, open all along, saw it too.
    await page.waitForSelector(`#rollout-list tr[data-rollout="${id}"] [data-state="succeeded"]`, { timeout: 10_000 });
    await waitForLabel(page, 'us-east-1', /^us-east-1v2 · /); // filtered to iris: no model name in the label
    await screenshot(d.page, '05-deployer-rollback');
    assert.deepEqual(d.errors, []);
    assert.deepEqual(pageErrors, []);
    await d.context.close();
  });
});
