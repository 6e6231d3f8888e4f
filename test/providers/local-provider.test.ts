// The local provider with real model-server processes: spread over zones, idempotent
// provisioning, crash and hang injection visible to clients, restore, retire, adoption after a
// restart, and nothing left behind on a failed provision.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMeridianError } from '../../src/core/errors.js';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { LocalProvider, type LocalProviderOptions } from '../../src/providers/local/local-provider.js';
import { isAlive } from '../../src/providers/local/replica-process.js';
import { CLI, model } from '../helpers/paths.js';

const catalog = loadRegionCatalog();

async function ready(url: string, timeoutMs = 1000): Promise<number | string> {
  try {
    const r = await fetch(`${url}/v2/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    return r.status;
  } catch (e) {
    return (e as Error).name === 'TimeoutError' ? 'timeout' : 'refused';
  }
}

describe('local provider', () => {
  let dir: string;
  let provider: LocalProvider;
  let options: LocalProviderOptions;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-provider-'));
    options = { dataDir: dir, command: [process.execPath, CLI], region: (c) => catalog.require(c), workersPerReplica: 1, readyTimeoutMs: 30_000, stopTimeoutMs: 3000 };
    provider = new LocalProvider(options);
  });
  after(async () => {
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const iris = { region: 'eu-west-1', model: 'iris', version: 'v2', artifactPath: model('iris-v2.onnx'), replicas: 4 };

  it('starts replicas as processes spread evenly across the region zones', async () => {
    const replicas = await provider.provision(iris);
    assert.equal(replicas.length, 4);
    const zones = catalog.require('eu-west-1').zones;
    const perZone = zones.map((z) => replicas.filter((r) => r.zone === z).length);
    assert.ok(Math.max(...perZone) - Math.min(...perZone) <= 1, `uneven spread ${perZone.join(',')}`);
    assert.equal(new Set(replicas.map((r) => r.pid)).size, 4, 'one process each');
    for (const r of replicas) {
      assert.equal(r.phase, 'running');
      assert.equal(await ready(r.url), 200);
      const meta = (await (await fetch(`${r.url}/v2/models/iris`)).json()) as { versions: string[] };
      assert.deepEqual(meta.versions, ['v2']);
    }
  });

  it('is idempotent: provisioning again starts nothing new', async () => {
    const before = provider.status({ region: 'eu-west-1' }).map((r) => r.pid).sort();
    const again = await provider.provision(iris);
    assert.deepEqual(again.map((r) => r.pid).sort(), before);
  });

  it('a restarted provider adopts the live replicas instead of orphaning them', () => {
    const adopted = new LocalProvider(options).status({ region: 'eu-west-1' });
    assert.deepEqual(adopted.map((r) => r.pid).sort(), provider.status({ region: 'eu-west-1' }).map((r) => r.pid).sort());
    assert.ok(adopted.every((r) => r.phase === 'running'));
  });

  it('a restarted provider stops a replica whose pid was never written down (died between spawn and record)', async () => {
    const spare = await provider.provision({ ...iris, region: 'us-west-2', replicas: 1 });
    const pid = spare[0]!.pid!;
    // Drop its record from the file, as if the control plane had been killed right after spawn.
    const file = join(dir, 'provider', 'replicas.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as { replicas: { pid: number }[] };
    writeFileSync(file, JSON.stringify({ replicas: state.replicas.filter((r) => r.pid !== pid) }));
    const next = new LocalProvider(options);
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(isAlive(pid), false, 'the unrecorded replica was stopped');
    assert.deepEqual(next.status({ region: 'us-west-2' }), []);
    // The recorded ones were adopted, not touched.
    assert.ok(provider.status({ region: 'eu-west-1' }).every((r) => isAlive(r.pid!)));
    writeFileSync(file, JSON.stringify({ replicas: state.replicas.filter((r) => r.pid !== pid) }));
    provider = new LocalProvider(options);
  });

  it('crashes one replica with SIGKILL: clients see connection refused', async () => {
    const [victim] = provider.status({ region: 'eu-west-1' });
    provider.fail({ region: 'eu-west-1', replicaId: victim!.id }, 'crash');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(provider.status().find((r) => r.id === victim!.id)?.phase, 'crashed');
    assert.equal(await ready(victim!.url), 'refused');
  });

  it('hangs a zone with SIGSTOP: its replicas time out, the others answer; resume restores', async () => {
    const zone = provider.status({ region: 'eu-west-1' }).find((r) => r.phase === 'running')!.zone;
    const hung = provider.fail({ region: 'eu-west-1', zone }, 'hang');
    assert.ok(hung.length >= 1 && hung.every((r) => r.zone === zone && r.phase === 'frozen'));
    for (const r of hung) assert.equal(await ready(r.url, 300), 'timeout');
    const others = provider.status({ region: 'eu-west-1' }).filter((r) => r.zone !== zone && r.phase === 'running');
    for (const r of others) assert.equal(await ready(r.url), 200);
    await provider.restore({ region: 'eu-west-1', zone });
    for (const r of hung) assert.equal(await ready(r.url), 200);
  });

  it('crashes the whole region, then restore restarts every replica', async () => {
    const all = provider.fail({ region: 'eu-west-1' }, 'crash');
    assert.equal(all.length, 4);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(provider.status({ region: 'eu-west-1' }).every((r) => r.phase === 'crashed'));
    const back = await provider.restore({ region: 'eu-west-1' });
    assert.equal(back.length, 4);
    for (const r of back) {
      assert.equal(r.phase, 'running');
      assert.equal(await ready(r.url), 200);
    }
  });

  it('retire stops every process of the version', async () => {
    const pids = provider.status({ region: 'eu-west-1' }).map((r) => r.pid!);
    await provider.retire('eu-west-1', 'iris', 'v2');
    assert.deepEqual(provider.status({ region: 'eu-west-1' }), []);
    assert.ok(pids.every((p) => !isAlive(p)), 'all processes gone');
  });

  it('a failed provision leaves nothing running and says why', async () => {
    await assert.rejects(
      provider.provision({ ...iris, region: 'us-east-1', artifactPath: join(process.cwd(), 'package.json'), replicas: 2 }),
      (e) => isMeridianError(e, 'PROVISION_FAILED') && /us-east-1/.test(e.message) && /exited/.test(e.message),
    );
    assert.deepEqual(provider.status({ region: 'us-east-1' }), []);
  });

  it('refuses unknown regions and targets with clear errors', async () => {
    await assert.rejects(provider.provision({ ...iris, region: 'eu-west-9' }), (e) => isMeridianError(e, 'REGION_UNKNOWN') && /did you mean/.test(e.message));
    assert.throws(() => provider.fail({ region: 'ap-south-1' }, 'crash'), (e) => isMeridianError(e, 'REPLICA_NOT_FOUND'));
  });
});
