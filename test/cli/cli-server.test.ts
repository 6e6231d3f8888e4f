// The real CLI (child processes) against the real API server in this process, over the fake
// control plane: tables, JSON output, a deploy followed to success and to a halt, server-side
// refusals as exit 2, tokens, and `events -f` ending cleanly on Ctrl-C.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli, killAll } from '../helpers/processes.js';
import { startApi, type Running } from '../api/api-helpers.js';
import { TOKENS } from '../api/fake-control-plane.js';

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('CLI against the API server', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-cli-'));
  let api: Running;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], token: string = TOKENS.deployer) => runCli(args, { ...env, MERIDIAN_TOKEN: token });

  before(async () => {
    api = await startApi();
    env = { ...process.env, MERIDIAN_HOME: home, MERIDIAN_API_URL: api.url, MERIDIAN_TOKEN: TOKENS.deployer };
    api.fake.stepMs = 15;
    for (const [v, residency] of [['v1', null], ['v2', null], ['v3', null], ['eu', ['EU']]] as const) {
      await api.fake.pushModel('iris', v, new TextEncoder().encode(`iris ${v}`), residency === null ? null : [...residency], { name: 'seed', role: 'admin' });
    }
    const first = await api.fake.deploy('iris', { version: 'v1', regions: ['us-east-1', 'eu-west-1'], parallel: 2 }, { name: 'seed', role: 'admin' });
    while ((await api.fake.getRollout(first.id)).status !== 'succeeded') await new Promise((r) => setTimeout(r, 10));
  });
  after(async () => {
    killAll();
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('status: a table per model with replicas and traffic share', async () => {
    const r = await cli(['status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^iris {2}current v1, previous -/m);
    assert.match(r.stdout, /REGION\s+VERSION\s+PHASE\s+REPLICAS\s+HEALTH\s+TRAFFIC/);
    assert.match(r.stdout, /us-east-1\s+v1\s+serving\s+2\/2\s+healthy\s+50%/);
    const json = await cli(['status', 'iris', '--output', 'json']);
    assert.equal(JSON.parse(json.stdout).model, 'iris');
    const unknown = await cli(['status', 'nosuch']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no model "nosuch".*\[MODEL_NOT_FOUND, HTTP 404\]/);
  });

  it('regions --output json is the API\'s list; filters work', async () => {
    const r = await cli(['regions', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), api.fake.regions());
    const eu = await cli(['regions', '--jurisdiction', 'eu', '--provider', 'aws', '--output', 'json']);
    const codes = JSON.parse(eu.stdout).map((x: any) => x.code);
    assert.ok(codes.includes('eu-west-1') && !codes.includes('eu-west-2') && !codes.includes('europe-west1'), codes.join(','));
    const table = await cli(['regions', '--provider', 'gcp']);
    assert.match(table.stdout, /^CODE\s+PROVIDER\s+CITY/);
    assert.match(table.stdout, /europe-west1\s+gcp/);
  });

  it('deploy follows a rollout to success: progress lines without a TTY, exit 0', async () => {
    const r = await cli(['deploy', 'iris:v2', '--regions', 'us-east-1,eu-west-1,ap-southeast-1', '--parallel', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Rollout \d+: deploy iris v1 → v2 in 2 waves \(us-east-1,eu-west-1; ap-southeast-1\), on failure halt$/m);
    assert.match(r.stdout, /^us-east-1 {7}replicating {3}\(wave 1\)$/m);
    assert.match(r.stdout, /^ap-southeast-1  replicating {3}\(wave 2\)$/m);
    for (const phase of ['provisioning', 'verifying', 'verified']) {
      assert.match(r.stdout, new RegExp(`^us-east-1 {7}${phase}\\s+\\(wave 1, \\d+ ms\\)$`, 'm'), phase);
      assert.match(r.stdout, new RegExp(`^ap-southeast-1  ${phase}\\s+\\(wave 2, \\d+ ms\\)$`, 'm'), phase);
    }
    // One line per phase change: no duplicates from the replay/live hand-over.
    assert.equal(r.stdout.match(/^eu-west-1 .* verified /gm)?.length, 1);
    assert.match(r.stdout, /Rollout \d+ succeeded in .*: iris v2 serves in us-east-1, eu-west-1, ap-southeast-1\./);
  });

  it('deploy --output json prints only the final rollout', async () => {
    const r = await cli(['deploy', 'iris:v3', '--regions', 'us-east-1', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rollout = JSON.parse(r.stdout);
    assert.equal(rollout.status, 'succeeded');
    assert.equal(rollout.regions[0].phase, 'verified');
  });

  it('deploy that halts: exit 1 with the failed region\'s reason and code', async () => {
    api.fake.failures.set('eu-west-1', { reason: 'golden example 2: expected class 1, got 2', errorCode: 'VERIFICATION_FAILED' });
    try {
      const r = await cli(['deploy', 'iris:v2', '--waves', 'us-east-1;eu-west-1;ap-southeast-1']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^eu-west-1 {7}failed {8}\(wave 2, \d+ ms\): golden example 2/m);
      assert.match(r.stdout, /^ap-southeast-1  skipped {7}\(wave 3\)$/m);
      assert.match(r.stdout, /Rollout \d+ halted after .*; verified regions keep v2: us-east-1\./);
      assert.match(r.stderr, /eu-west-1: golden example 2: expected class 1, got 2 \[VERIFICATION_FAILED\]/);
      assert.match(r.stderr, /not started: ap-southeast-1/);
    } finally {
      api.fake.failures.clear();
    }
  });

  it('server-side refusals exit 2: unknown version, residency naming the regions', async () => {
    const unknown = await cli(['deploy', 'iris:v9', '--regions', 'us-east-1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /iris:v9 was never pushed.*\[MODEL_VERSION_UNKNOWN, HTTP 404\]/);
    const residency = await cli(['deploy', 'iris:eu', '--regions', 'eu-west-1,us-east-1']);
    assert.equal(residency.code, 2);
    assert.match(residency.stderr, /not in us-east-1 \(US\).*\[RESIDENCY_VIOLATION, HTTP 422\]/);
  });

  it('a viewer cannot deploy: exit 1 with the role needed', async () => {
    const r = await cli(['deploy', 'iris:v2', '--regions', 'us-east-1'], TOKENS.viewer);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs the deployer role.*\[FORBIDDEN, HTTP 403\]/);
    const bad = await cli(['status'], 'not-a-token');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /UNAUTHENTICATED, HTTP 401/);
  });

  it('deploy --no-wait prints the rollout id', async () => {
    const r = await cli(['deploy', 'iris:v1', '--regions', 'us-east-1', '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    const id = Number(r.stdout.trim());
    assert.ok(Number.isInteger(id) && id > 0, r.stdout);
    const done = new Set(['succeeded', 'halted', 'rolled_back']);
    while (!done.has((await api.fake.getRollout(id)).status)) await new Promise((res) => setTimeout(res, 10));
  });

  it('history: rollouts newest first', async () => {
    const r = await cli(['history', 'iris']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^\s*ID\s+KIND\s+FROM → TO\s+STATUS\s+WAVES\s+CREATED\s+BY\s+REASON$/);
    const ids = lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.match(r.stdout, /deploy\s+v3 → v2\s+halted\s+us-east-1; eu-west-1; ap-southeast-1 .* deployer-user\s+eu-west-1 failed verification/);
  });

  it('rollback follows its rollout like a deploy', async () => {
    const r = await cli(['rollback', 'iris', '--regions', 'us-east-1', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rollout = JSON.parse(r.stdout);
    assert.equal(rollout.kind, 'rollback');
    assert.equal(rollout.status, 'succeeded');
    assert.deepEqual(rollout.waves, [['us-east-1']]);
  });

  it('models push and list; tokens create, list, revoke', async () => {
    const file = join(home, 'm.onnx');
    writeFileSync(file, 'mlp bytes');
    const pushed = await cli(['models', 'push', file, '--name', 'mlp', '--version', 'v1', '--residency', 'eu,uk']);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /^Pushed mlp:v1 \(sha256 [0-9a-f]{12}, 9 B, 1 golden examples\)\./);
    assert.match((await cli(['models', 'push', file, '--name', 'mlp', '--version', 'v1'])).stdout, /already holds these bytes/);
    assert.match((await cli(['models', 'list'])).stdout, /mlp\s+v1\s+[0-9a-f]{12}\s+9 B\s+EU,UK/);
    const created = await cli(['tokens', 'create', 'ci', '--role', 'viewer', '--output', 'json'], TOKENS.admin);
    const token = JSON.parse(created.stdout);
    assert.equal((await cli(['status'], token.token)).code, 0);
    assert.match((await cli(['tokens', 'list'], TOKENS.admin)).stdout, new RegExp(`\\n\\s*${token.id}\\s+ci\\s+viewer`));
    assert.equal((await cli(['tokens', 'revoke', String(token.id)], TOKENS.admin)).code, 0);
    assert.equal((await cli(['status'], token.token)).code, 1);
    assert.equal((await cli(['tokens', 'revoke', String(token.id)], TOKENS.admin)).code, 2);
  });

  it('events prints the log; -f streams until Ctrl-C and exits 0', async () => {
    const r = await cli(['events', '--model', 'iris']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reconciler\s+region\.verified\s+iris\s+us-east-1\s+us-east-1 verified/);
    const f = startCli(['events', '-f', '--region', 'eu-west-1', '--output', 'json'], env);
    await until(() => f.events.some((e) => e.kind === 'region.verified'));
    api.fake.append({ actor: 'test', kind: 'test.live', model: 'iris', region: 'eu-west-1', rolloutId: null, message: 'live one', data: null });
    await until(() => f.events.some((e) => e.kind === 'test.live'));
    assert.ok(f.events.every((e) => e.region === 'eu-west-1'));
    f.child.kill('SIGINT');
    assert.deepEqual(await f.exited, { code: 0, signal: null });
  });
});
