// `meridian up` / `meridian down` end to end with real processes: the environment serves the demo
// model through the router, and both `down` and Ctrl-C leave no process behind (checked with ps).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { postJson } from '../helpers/http.js';
import { killAll, runCli, startCli } from '../helpers/processes.js';

/** Processes whose command line mentions `dir`: the control plane, the router and the model servers (not `up` itself). */
function processesUsing(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(dir) && !l.includes('ps -eo') && !l.includes('meridian.js up '));
}

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('meridian up / down', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-home-'));
  const env = { ...process.env, MERIDIAN_HOME: home };
  after(() => {
    killAll();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses bad region lists before starting anything (exit 2)', async () => {
    const space = await runCli(['up', '--regions', 'us-east-1', 'eu-west-1'], env);
    assert.equal(space.code, 2);
    assert.match(space.stderr, /has a space; separate regions with commas: --regions us-east-1,eu-west-1/);
    const unknown = await runCli(['up', '--regions', 'us-east-1,eu-wset-1'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown region "eu-wset-1" \(did you mean eu-west-1/);
    const dup = await runCli(['up', '--regions', 'us-east-1,us-east-1'], env);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /listed twice/);
    assert.ok(!existsSync(join(home, 'config.json')), 'no client config written');
  });

  it('up --detach serves the model through the router; down leaves nothing running', async () => {
    const dataDir = join(home, 'detached');
    const up = await runCli(['up', '--detach', '--regions', 'us-east-1,eu-west-1', '--replicas', '2', '--data-dir', dataDir], env);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /Meridian is up/);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    assert.ok(config.token.length >= 16);
    assert.equal(processesUsing(dataDir).length, 1 + 1 + 4, `control plane + router + 4 model servers:\n${processesUsing(dataDir).join('\n')}`);
    const status = await fetch(`${config.apiUrl}/api/v1/status`, { headers: { authorization: `Bearer ${config.token}` } });
    assert.equal(status.status, 200);
    const unauth = await fetch(`${config.apiUrl}/api/v1/status`);
    assert.equal(unauth.status, 401);

    const r = await postJson(`${config.routerUrl}/v2/models/iris/infer`, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [6.7, 3.0, 5.2, 2.3] }] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('meridian-region'), 'us-east-1', 'the nearest region to the new-york edge');
    assert.deepEqual(r.body.outputs.find((o: { name: string }) => o.name === 'label').data, [2]);

    const again = await runCli(['up', '--detach', '--data-dir', join(home, 'other')], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already running/);

    const down = await runCli(['down'], env);
    assert.equal(down.code, 0, down.stderr);
    assert.ok(await eventually(() => processesUsing(dataDir).length === 0), `left running:\n${processesUsing(dataDir).join('\n')}`);
    assert.ok(!existsSync(join(home, 'config.json')));
  });

  it('Ctrl-C on a foreground up stops every process', async () => {
    const dataDir = join(home, 'foreground');
    const up = startCli(['up', '--regions', 'eu-west-1,ap-southeast-1', '--replicas', '1', '--data-dir', dataDir], env);
    await up.waitFor('text', 30_000);
    await eventuallyAsync(() => up.events.some((e) => typeof e.line === 'string' && e.line.includes('Press Ctrl-C')), 60_000);
    assert.equal(processesUsing(dataDir).length, 1 + 1 + 2, 'control plane + router + 2 model servers');
    up.child.kill('SIGINT');
    const exit = await up.exited;
    assert.equal(exit.code, 0, up.stderr.join('\n'));
    assert.equal(processesUsing(dataDir).length, 0, `left running:\n${processesUsing(dataDir).join('\n')}`);
  });
});

async function eventuallyAsync(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
