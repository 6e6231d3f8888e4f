// The API's routing-table watch, traffic policies and drills: roles, validation, the stream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EMPTY_ROUTING_TABLE } from '../../src/core/routing-table.js';
import { auth, openStream, startApi, type Running } from './api-helpers.js';

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(base + path, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  return { status: r.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('control-plane API: routing', () => {
  let api: Running;
  before(async () => {
    api = await startApi({ keepaliveMs: 100 });
  });
  after(() => api.close());

  it('serves the routing table to viewers, not to anonymous callers', async () => {
    assert.equal((await call(api.url, 'GET', '/api/v1/routing-table', auth('viewer'))).body.revision, 1);
    assert.equal((await call(api.url, 'GET', '/api/v1/routing-table', {})).status, 401);
  });

  it('streams the current table, then each new one', async () => {
    const s = await openStream(`${api.url}/api/v1/routing-table/stream`, auth('viewer'));
    try {
      api.fake.publishTable({ ...EMPTY_ROUTING_TABLE, revision: 7 });
      const frames = await s.waitForEvents(2);
      assert.deepEqual(frames.map((f) => [f.event, f.id, JSON.parse(f.data ?? '{}').revision]), [['routing-table', '1', 1], ['routing-table', '7', 7]]);
    } finally {
      s.close();
    }
  });

  it('traffic policy: viewers read, deployers write, viewers may not', async () => {
    assert.deepEqual((await call(api.url, 'GET', '/api/v1/models/iris/traffic', auth('viewer'))).body, { type: 'latency' });
    const denied = await call(api.url, 'PUT', '/api/v1/models/iris/traffic', auth('viewer'), { type: 'failover', order: ['eu-west-1'] });
    assert.equal(denied.status, 403);
    const ok = await call(api.url, 'PUT', '/api/v1/models/iris/traffic', auth('deployer'), { type: 'failover', order: ['eu-west-1'] });
    assert.equal(ok.status, 200);
    assert.deepEqual((await call(api.url, 'GET', '/api/v1/models/iris/traffic', auth('viewer'))).body, { type: 'failover', order: ['eu-west-1'] });
  });

  it('drills need an admin and a valid body', async () => {
    assert.equal((await call(api.url, 'POST', '/api/v1/drills', auth('deployer'), { region: 'eu-west-1', mode: 'kill' })).status, 403);
    const bad = await call(api.url, 'POST', '/api/v1/drills', auth('admin'), { region: 'eu-west-1', mode: 'explode' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /mode/);
    assert.equal((await call(api.url, 'POST', '/api/v1/drills', auth('admin'), { region: 'eu-west-1', mode: 'freeze', zone: 'eu-west-1a' })).status, 200);
    assert.deepEqual(api.fake.drills, [{ region: 'eu-west-1', mode: 'freeze', zone: 'eu-west-1a' }]);
  });
});
