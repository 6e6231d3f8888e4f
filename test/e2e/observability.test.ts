// Observability of a real local environment: `meridian up` keeps Prometheus service-discovery files
// and a ready prometheus.yml (promtool accepts it); every component it lists — control plane
// (with the token), router, each model server — serves metrics promtool accepts; the shipped
// Grafana dashboard only queries metrics that exist; and one request can be followed across
// processes by its W3C trace id.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROMETHEUS_YML } from '../../src/bin/prometheus-targets.js';
import { parseTraceparent } from '../../src/core/trace-context.js';
import { ROOT } from '../helpers/paths.js';
import { killAll, runCli } from '../helpers/processes.js';
import { promtoolCheck } from '../helpers/promtool.js';

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

describe('observability of a local environment', () => {
  const home = mkdtempSync(join(tmpdir(), 'meridian-obs-'));
  const env = { ...process.env, MERIDIAN_HOME: home };
  const dataDir = join(home, 'data');
  const promDir = join(dataDir, 'prometheus');
  let config: { apiUrl: string; routerUrl: string; token: string };

  before(async () => {
    const up = await runCli(['up', '--detach', '--regions', 'eu-west-1', '--replicas', '2', '--no-latency-emulation', '--data-dir', dataDir], env);
    assert.equal(up.code, 0, up.stderr);
    config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as typeof config;
    // Some traffic, so histograms and per-version series exist.
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${config.routerUrl}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.9, 3.0, 5.1, 1.8] }] }) });
      assert.equal(r.status, 200);
    }
  });
  after(async () => {
    await runCli(['down'], env);
    killAll();
    rmSync(home, { recursive: true, force: true });
  });

  /** The data-plane targets once the router has registered (it does so when its watch connects). */
  async function dataPlane(): Promise<TargetGroup[]> {
    for (let i = 0; i < 100; i++) {
      const groups = JSON.parse(readFileSync(join(promDir, 'data-plane.json'), 'utf8')) as TargetGroup[];
      if (groups.some((g) => g.labels.job === 'meridian-router')) return groups;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the router never appeared in data-plane.json');
  }

  it('writes a prometheus.yml that promtool accepts, with the token file and current targets', async () => {
    assert.equal(readFileSync(join(promDir, 'prometheus.yml'), 'utf8'), PROMETHEUS_YML);
    assert.equal(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'), PROMETHEUS_YML, 'the shipped example is the one `meridian up` writes');
    assert.equal(readFileSync(join(promDir, 'token'), 'utf8'), config.token);
    const out = execFileSync('promtool', ['check', 'config', join(promDir, 'prometheus.yml')], { encoding: 'utf8' });
    assert.match(out, /SUCCESS/);
    const cp = JSON.parse(readFileSync(join(promDir, 'control-plane.json'), 'utf8')) as TargetGroup[];
    assert.deepEqual(cp[0]?.targets, [new URL(config.apiUrl).host]);
    const groups = await dataPlane();
    const servers = groups.filter((g) => g.labels.job === 'meridian-model-server');
    assert.equal(servers.length, 2, 'both eu-west-1 replicas');
    assert.ok(servers.every((g) => g.labels.region === 'eu-west-1' && g.labels.model === 'iris' && g.labels.version === 'v2'));
    assert.deepEqual(groups.filter((g) => g.labels.job === 'meridian-router').map((g) => g.targets[0]), [new URL(config.routerUrl).host]);
  });

  it('every component serves metrics promtool accepts; the Grafana dashboard queries only metrics that exist', async () => {
    const texts: string[] = [];
    const cpMetrics = await fetch(`${config.apiUrl}/api/v1/metrics`, { headers: { authorization: `Bearer ${config.token}` } });
    assert.equal(cpMetrics.status, 200);
    texts.push(await cpMetrics.text());
    for (const g of await dataPlane()) texts.push(await (await fetch(`http://${g.targets[0]}/metrics`)).text());
    for (const t of texts) {
      const check = await promtoolCheck(t);
      assert.equal(check.code, 0, check.output);
    }
    const known = new Set(texts.flatMap((t) => [...t.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!)));
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/meridian-overview.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    assert.ok(dashboard.panels.length >= 8);
    for (const p of dashboard.panels) {
      for (const t of p.targets) {
        for (const name of t.expr.match(/meridian_[a-z_]+/g) ?? []) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          assert.ok(known.has(base), `panel "${p.title}" queries ${name}, which no component exposes`);
        }
      }
    }
  });

  it('one request can be followed across processes by its trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const r = await fetch(`${config.routerUrl}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, body: '{"inputs":[]}' });
    assert.equal(r.status, 400, 'a bad request, so the model server logs it');
    assert.equal(parseTraceparent(r.headers.get('traceparent') ?? '')?.traceId, traceId);
    // The model server that answered wrote the trace id in its JSON log.
    const logs = join(dataDir, 'provider', 'logs', 'eu-west-1');
    let found = false;
    for (let i = 0; i < 50 && !found; i++) {
      found = existsSync(logs) && execFileSync('grep', ['-rl', traceId, logs], { encoding: 'utf8' }).trim() !== '';
      if (!found) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(found, 'the trace id is in a model server log');
  });
});
