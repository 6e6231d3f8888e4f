// Following a rollout from the CLI's side, in process: the SSE parser on awkward chunking, the
// event stream as the preferred path, and polling when the stream is not available.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventRecord, Rollout } from '../../src/api/contract.js';
import { ApiClient } from '../../src/cli/api-client.js';
import { followRollout } from '../../src/cli/follow.js';
import { readSse } from '../../src/core/sse.js';
import { startApi, type Running } from '../api/api-helpers.js';
import { FakeControlPlane, TOKENS } from '../api/fake-control-plane.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    await Promise.resolve(); // each chunk arrives in its own turn, as from a socket
    yield new TextEncoder().encode(p);
  }
}

/** A control plane whose event stream is broken: the CLI has to poll. */
class NoStream extends FakeControlPlane {
  override subscribe(): () => void {
    throw new Error('subscriptions are down');
  }
}

describe('following a rollout', () => {
  const servers: Running[] = [];
  let streaming: Running;
  let polling: Running;
  before(async () => {
    streaming = await startApi();
    polling = await startApi({}, new NoStream());
    servers.push(streaming, polling);
    for (const s of servers) {
      s.fake.stepMs = 10;
      await s.fake.pushModel('iris', 'v1', new Uint8Array([1]), null, { name: 't', role: 'admin' });
    }
  });
  after(() => Promise.all(servers.map((s) => s.close())));

  it('parses SSE across chunk boundaries: CRLF split, comments, multi-line data', async () => {
    const got = [];
    for await (const m of readSse(chunks(': hello\r', '\nid: 1\r\nevent: a\r\ndata: x\r', '\ndata: y\r\n\r', '\nid: 2\ndata: {"k":1}\n', '\n', 'data: no end'))) got.push(m);
    assert.deepEqual(got, [
      { id: '1', event: 'a', data: 'x\ny' },
      { id: '2', event: 'message', data: '{"k":1}' },
    ]);
  });

  const follow = async (s: Running): Promise<{ final: Rollout; seen: Rollout[]; fallback: string[] }> => {
    const client = new ApiClient({ url: s.url, token: TOKENS.viewer });
    const started = await s.fake.deploy('iris', { version: 'v1', regions: ['us-east-1', 'eu-west-1'] }, { name: 't', role: 'admin' });
    const seen: Rollout[] = [];
    const fallback: string[] = [];
    const final = await followRollout(client, started, { onUpdate: (r) => seen.push(r), onFallback: (w) => fallback.push(w), pollMs: 5 });
    return { final, seen, fallback };
  };

  it('streams: one snapshot per region phase change, in order, ending with the server\'s final state', async () => {
    const { final, seen, fallback } = await follow(streaming);
    assert.deepEqual(fallback, []);
    assert.equal(final.status, 'succeeded');
    const phases = (region: string): string[] => seen.map((r) => r.regions.find((x) => x.region === region)?.phase ?? '').filter((p, i, a) => p !== a[i - 1]);
    assert.deepEqual(phases('us-east-1'), ['pending', 'replicating', 'provisioning', 'verifying', 'verified']);
    assert.deepEqual(phases('eu-west-1'), ['pending', 'replicating', 'provisioning', 'verifying', 'verified']);
  });

  it('falls back to polling when the stream cannot be opened', async () => {
    const { final, fallback } = await follow(polling);
    assert.equal(final.status, 'succeeded');
    assert.equal(fallback.length, 1);
    assert.match(fallback[0] ?? '', /internal error/);
  });

  it('ignores events it cannot apply', async () => {
    const { applyEvent } = await import('../../src/cli/follow.js');
    const r = (await streaming.fake.getRollout(1));
    const e: EventRecord = { id: 1, time: new Date().toISOString(), actor: 'x', kind: 'traffic.routed', model: 'iris', region: 'us-east-1', rolloutId: 1, message: '', data: null };
    assert.equal(applyEvent(r, e), undefined);
    assert.equal(applyEvent(r, { ...e, kind: 'region.exploded' }), undefined);
    assert.equal(applyEvent(r, { ...e, kind: 'region.verifying', region: 'mars-1' }), undefined);
    assert.equal(applyEvent(r, { ...e, kind: 'region.verifying' })?.regions.find((x) => x.region === 'us-east-1')?.phase, 'verifying');
  });
});
