// Active health checks against real model servers: healthy, then degraded when a replica stops
// answering, down when none does, and healthy again after the threshold of passes.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RegionHealthMonitor, type HealthTarget } from '../../src/monitor/region-health.js';
import type { ModelServer } from '../../src/serving/model-server.js';
import { model } from '../helpers/paths.js';
import { startModelServer } from '../helpers/servers.js';

describe('region health monitor', () => {
  let a: ModelServer;
  let hung: Server;
  let hungUrl = '';
  const changes: string[] = [];
  let replicas: HealthTarget['replicas'] = [];
  let monitor: RegionHealthMonitor;
  before(async () => {
    a = await startModelServer({ modelPath: model('iris-v2.onnx'), name: 'iris', version: 'v2' });
    // Accepts connections and never answers: what a SIGSTOPped replica looks like from outside.
    hung = createServer(() => {});
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    replicas = [{ id: 'a', url: a.url }];
    monitor = new RegionHealthMonitor({
      targets: () => Promise.resolve([{ model: 'iris', region: 'eu-west-1', version: 'v2', replicas }]),
      intervalMs: 50,
      timeoutMs: 200,
      unhealthyThreshold: 2,
      healthyThreshold: 2,
      onChange: (c) => changes.push(`${c.from}->${c.to}`),
    });
  });
  after(async () => {
    await a.close();
    hung.closeAllConnections();
    hung.close();
  });

  it('is unknown before probing and healthy after the first pass', async () => {
    assert.equal(monitor.health('iris', 'eu-west-1'), 'unknown');
    await monitor.probeAll();
    assert.equal(monitor.health('iris', 'eu-west-1'), 'healthy');
  });

  it('a hung replica makes the region degraded (by timeout); a wrong version counts as failing', async () => {
    replicas = [{ id: 'a', url: a.url }, { id: 'b', url: hungUrl }];
    const t0 = performance.now();
    await monitor.probeAll();
    assert.ok(performance.now() - t0 < 1000, 'bounded by the probe timeout');
    assert.equal(monitor.health('iris', 'eu-west-1'), 'degraded');
  });

  it('down when no replica answers, needing the threshold of failures', async () => {
    replicas = [{ id: 'a', url: a.url.replace(/:\d+$/, ':9') }, { id: 'b', url: hungUrl }];
    await monitor.probeAll();
    assert.equal(monitor.health('iris', 'eu-west-1'), 'degraded', 'one failure of a healthy replica is not enough');
    await monitor.probeAll();
    assert.equal(monitor.health('iris', 'eu-west-1'), 'down');
  });

  it('healthy again only after the threshold of passes', async () => {
    replicas = [{ id: 'a', url: a.url }];
    await monitor.probeAll();
    assert.equal(monitor.health('iris', 'eu-west-1'), 'down');
    await monitor.probeAll();
    assert.equal(monitor.health('iris', 'eu-west-1'), 'healthy');
    assert.deepEqual(changes, ['unknown->healthy', 'healthy->degraded', 'degraded->down', 'down->healthy']);
  });
});
