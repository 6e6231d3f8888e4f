// Durability: kill -9 the control-plane process at several points of a rollout, start it again,
// and the rollout reaches the same end state — no region provisioned twice, no orphan
// model-server process, no step lost.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { killAll, startCli, type Started } from '../helpers/processes.js';
import { model } from '../helpers/paths.js';

const TOKEN = 'test-admin-token-0123456789';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

function servePids(dir: string): number[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(dir) && l.includes(' serve '))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('crash and resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-crash-'));
  let cp: Started;
  let api = '';
  const env = { ...process.env, MERIDIAN_TOKEN: TOKEN };
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> => {
    const r = await fetch(api + path, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, ...(body !== undefined ? { body: body instanceof Uint8Array ? body : JSON.stringify(body) } : {}) });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  const start = async (): Promise<void> => {
    cp = startCli(['control-plane', '--data-dir', dir], env);
    api = String((await cp.waitFor('control-plane.ready')).apiUrl);
  };
  const settle = async (id: number): Promise<any> => {
    for (;;) {
      const r = await call('GET', `/api/v1/rollouts/${id}`);
      if (['succeeded', 'halted', 'rolled_back'].includes(r.status)) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  before(async () => {
    await start();
    for (const v of ['v1', 'v2']) await call('PUT', `/api/v1/models/iris/versions/${v}`, new Uint8Array(readFileSync(model(`iris-${v}.onnx`))), 'application/octet-stream');
    const first = await call('POST', '/api/v1/models/iris/rollouts', { version: 'v1', regions: REGIONS, parallel: 3 });
    assert.equal((await settle(first.id)).status, 'succeeded');
  });
  after(async () => {
    cp.child.kill('SIGTERM');
    await cp.exited;
    killAll();
    for (const pid of servePids(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  // Each case deploys the other version, region by region, and kills the control plane right after the named event.
  const points: [string, (e: Record<string, unknown>) => boolean][] = [
    ['the first region started replicating', (e) => e.event === 'region.replicating'],
    ['the second region started provisioning (model servers mid-start)', (e) => e.event === 'region.provisioning' && e.region === REGIONS[1]],
    ['a region started verifying', (e) => e.event === 'region.verifying' && e.region === REGIONS[2]],
    ['traffic was routed to a region, before it was marked verified', (e) => e.event === 'traffic.routed' && e.region === REGIONS[0]],
    ['the first wave was verified', (e) => e.event === 'region.verified' && e.region === REGIONS[0]],
  ];
  let version = 'v1';
  for (const [what, when] of points) {
    it(`resumes after kill -9 when ${what}`, async () => {
      version = version === 'v1' ? 'v2' : 'v1';
      const r = await call('POST', '/api/v1/models/iris/rollouts', { version, regions: REGIONS, parallel: 1 });
      await cp.waitUntil((e) => e.rolloutId === r.id && when(e), what, 60_000);
      cp.child.kill('SIGKILL');
      await cp.exited;
      await start();
      const done = await settle(r.id);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.regions));
      assert.deepEqual(done.regions.map((x: any) => x.phase), ['verified', 'verified', 'verified']);
      const status = (await call('GET', '/api/v1/models/iris/status'));
      assert.deepEqual(status.regions.map((x: any) => [x.region, x.version, x.replicasReady]), [...REGIONS].sort().map((x) => [x, version, 2]));
      // Exactly the recorded replicas run: 3 regions × 2, no duplicates, no orphans, old version gone.
      const recorded = (JSON.parse(readFileSync(join(dir, 'provider', 'replicas.json'), 'utf8')).replicas as { pid: number; version: string }[]);
      assert.equal(recorded.length, 6, JSON.stringify(recorded));
      assert.ok(recorded.every((x) => x.version === version));
      assert.deepEqual(servePids(dir).sort(), recorded.map((x) => x.pid).sort(), 'running model servers are exactly the recorded ones');
      const events = (await call('GET', `/api/v1/events?rollout=${r.id}`)) as any[];
      for (const region of REGIONS) {
        assert.equal(events.filter((e) => e.kind === 'region.verified' && e.region === region).length, 1, `${region} verified once`);
      }
    });
  }
});
