// A canary end to end on a real local region: a candidate whose answers are silently wrong (classes
// permuted — no errors, normal latency) gets a share of live traffic through the real router, the
// control plane judges it from the router's samples, the output judges fail it while the
// operational ones pass, and all traffic returns to the stable version.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { drawIrisRows } from '../../src/examples/index.js';
import { model } from '../helpers/paths.js';
import { killAll, runCli } from '../helpers/processes.js';

interface Verdict {
  judge: string;
  result: string;
}

describe('canary on a real local region: a silently wrong candidate', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-canary-'));
  const env = { ...process.env, MERIDIAN_HOME: home };
  const cli = (...args: string[]) => runCli(args, env);
  let routerUrl = '';
  const stop = new AbortController();
  const served: Record<string, number> = {};
  let failed = 0;
  let load: Promise<void> = Promise.resolve();

  before(async () => {
    const up = await cli('up', '--detach', '--regions', 'eu-west-1', '--replicas', '1', '--no-latency-emulation', '--data-dir', join(home, 'data'));
    assert.equal(up.code, 0, up.stderr);
    routerUrl = (JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { routerUrl: string }).routerUrl;
    const push = await cli('models', 'push', model('iris-bad-wrong.onnx'), '--name', 'iris', '--version', 'v9-wrong');
    assert.equal(push.code, 0, push.stderr);
    // Live traffic: realistic iris rows, a few requests in flight at a time, until the test ends.
    const rows = drawIrisRows(2000, 7);
    let i = 0;
    const worker = async (): Promise<void> => {
      while (!stop.signal.aborted) {
        const row = rows[i++ % rows.length]!;
        try {
          const r = await fetch(`${routerUrl}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: row.features }] }), signal: stop.signal });
          await r.arrayBuffer();
          if (r.status === 200) {
            const v = r.headers.get('meridian-model-version') ?? '?';
            served[v] = (served[v] ?? 0) + 1;
          } else failed++;
        } catch {
          if (!stop.signal.aborted) failed++;
        }
      }
    };
    load = Promise.all(Array.from({ length: 6 }, worker)).then(() => undefined);
  });
  after(async () => {
    stop.abort();
    await load;
    await cli('down');
    killAll();
    rmSync(home, { recursive: true, force: true });
  });

  it('is caught by the output judges while errors and latency look healthy; traffic returns to v2', { timeout: 120_000 }, async () => {
    const deploy = await cli('deploy', 'iris:v9-wrong', '--regions', 'eu-west-1', '--strategy', 'canary', '--steps', '30:10s,100', '--on-failure', 'rollback', '--output', 'json');
    assert.equal(deploy.code, 1, `a failed canary exits 1\n${deploy.stderr}`);
    const rollout = JSON.parse(deploy.stdout) as { id: number; status: string; reason: string };
    assert.equal(rollout.status, 'rolled_back', rollout.reason);
    const a = await cli('analysis', String(rollout.id), '--output', 'json');
    assert.equal(a.code, 0, a.stderr);
    const runs = (JSON.parse(a.stdout) as { analysis: { result: string; verdicts: Verdict[] }[] }).analysis;
    const last = runs.at(-1)!;
    const by = Object.fromEntries(last.verdicts.map((v) => [v.judge, v.result]));
    console.log(`canary verdicts: ${JSON.stringify(by)}; served ${JSON.stringify(served)}, failed ${failed}`);
    assert.equal(last.result, 'fail');
    assert.equal(by['output-shift'], 'fail', 'the output judge catches the permuted classes');
    assert.equal(by['error-rate'], 'pass', 'no errors');
    assert.equal(by['latency-p99'], 'pass', 'no slowness');
    const status = await cli('status', 'iris', '--output', 'json');
    const regions = (JSON.parse(status.stdout) as { regions: { region: string; version: string }[] }).regions;
    assert.deepEqual(regions.map((r) => [r.region, r.version]), [['eu-west-1', 'v2']]);
    assert.ok((served['v9-wrong'] ?? 0) > 0, 'the candidate did serve its canary share');
    assert.equal(failed, 0, 'users saw no errors');
  });
});
