// The control-plane API over real HTTP on port 0: authentication and roles, request validation,
// status mapping, pushes, the event stream (replay + live, no duplicates) and the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openApiDocument } from '../../src/api/openapi.js';
import { ROUTES } from '../../src/api/routes.js';
import { auth, openStream, startApi, type Running } from './api-helpers.js';
import { promtoolCheck } from '../helpers/promtool.js';

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(base: string, method: string, path: string, o: { headers?: Record<string, string>; body?: unknown; raw?: Uint8Array | string } = {}): Promise<Reply> {
  const headers = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  const r = await fetch(`${base}${path}`, { method, headers, body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text === '' ? undefined : JSON.parse(text) };
}

const onnx = (s: string): Uint8Array => new TextEncoder().encode(s);
const octet = { 'content-type': 'application/octet-stream' };

describe('control-plane API', () => {
  let api: Running;
  const req = (method: string, path: string, o: Parameters<typeof call>[3] = {}): Promise<Reply> => call(api.url, method, path, o);
  before(async () => {
    api = await startApi({ keepaliveMs: 100 });
    await req('PUT', '/api/v1/models/iris/versions/v1', { headers: { ...auth('deployer'), ...octet }, raw: onnx('iris v1') });
    await req('PUT', '/api/v1/models/iris/versions/v2?residency=EU', { headers: { ...auth('deployer'), ...octet }, raw: onnx('iris v2') });
  });
  after(() => api.close());

  it('answers /healthz and /openapi.json without a token', async () => {
    assert.deepEqual((await req('GET', '/healthz')).body, { ok: true });
    assert.equal((await req('GET', '/openapi.json')).body.openapi, '3.1.0');
  });

  it('401 without a token or with a wrong one, with a Bearer challenge', async () => {
    const none = await req('GET', '/api/v1/regions');
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'UNAUTHENTICATED');
    assert.match(none.body.error, /missing Authorization header/);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const wrong = await req('GET', '/api/v1/regions', { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const basic = await req('GET', '/api/v1/regions', { headers: { authorization: 'Basic dTpw' } });
    assert.equal(basic.status, 401);
  });

  it('serves its Prometheus metrics behind the token, with per-route request counts that pass promtool', async () => {
    assert.equal((await fetch(`${api.url}/api/v1/metrics`)).status, 401);
    await req('GET', '/api/v1/regions', { headers: auth('viewer') });
    const r = await fetch(`${api.url}/api/v1/metrics`, { headers: auth('viewer') });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
    const text = await r.text();
    assert.match(text, /meridian_api_requests_total\{method="GET",route="\/api\/v1\/regions",status="200"\} [1-9]/);
    assert.match(text, /meridian_api_request_duration_seconds_bucket/);
    assert.match(text, /meridian_fake_rollouts /, 'the service\'s own metrics follow');
    const check = await promtoolCheck(text);
    assert.equal(check.code, 0, check.output);
  });

  it('403 names the role needed and the caller\'s role', async () => {
    const deploy = await req('POST', '/api/v1/models/iris/rollouts', { headers: auth('viewer'), body: { version: 'v1', regions: ['us-east-1'] } });
    assert.equal(deploy.status, 403);
    assert.equal(deploy.body.code, 'FORBIDDEN');
    assert.match(deploy.body.error, /needs the deployer role.*has the viewer role/);
    const tokens = await req('GET', '/api/v1/tokens', { headers: auth('deployer') });
    assert.equal(tokens.status, 403);
    assert.match(tokens.body.error, /needs the admin role.*has the deployer role/);
    const push = await req('PUT', '/api/v1/models/iris/versions/v9', { headers: { ...auth('viewer'), ...octet }, raw: onnx('x') });
    assert.equal(push.status, 403);
  });

  it('serves each role what it may do', async () => {
    assert.deepEqual((await req('GET', '/api/v1/whoami', { headers: auth('viewer') })).body, { name: 'viewer-user', role: 'viewer' });
    const regions = await req('GET', '/api/v1/regions', { headers: auth('viewer') });
    assert.equal(regions.status, 200);
    assert.ok(regions.body.some((r: any) => r.code === 'eu-west-1' && r.jurisdiction === 'EU'));
    assert.equal((await req('GET', '/api/v1/models', { headers: auth('viewer') })).body.length, 2);
    assert.equal((await req('GET', '/api/v1/models/iris/versions', { headers: auth('viewer') })).body.length, 2);
    const rollout = await req('POST', '/api/v1/models/iris/rollouts', { headers: auth('deployer'), body: { version: 'v1', regions: ['us-east-1', 'eu-west-1'], parallel: 2 } });
    assert.equal(rollout.status, 202, JSON.stringify(rollout.body));
    assert.deepEqual(rollout.body.waves, [['us-east-1', 'eu-west-1']]);
    assert.equal((await req('GET', `/api/v1/rollouts/${rollout.body.id}`, { headers: auth('viewer') })).body.id, rollout.body.id);
    assert.equal((await req('GET', '/api/v1/status', { headers: auth('viewer') })).status, 200);
    assert.equal((await req('GET', '/api/v1/models/iris/status', { headers: auth('viewer') })).body.model, 'iris');
    const created = await req('POST', '/api/v1/tokens', { headers: auth('admin'), body: { name: 'ci', role: 'deployer' } });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^mrd_/);
    const list = await req('GET', '/api/v1/tokens', { headers: auth('admin') });
    assert.ok(list.body.some((t: any) => t.name === 'ci' && t.token === undefined));
    assert.equal((await req('DELETE', `/api/v1/tokens/${created.body.id}`, { headers: auth('admin') })).status, 204);
    assert.equal((await req('GET', '/api/v1/whoami', { headers: { authorization: `Bearer ${created.body.token}` } })).status, 401);
  });

  it('lists rollouts newest first', async () => {
    await req('POST', '/api/v1/models/iris/rollouts', { headers: auth('deployer'), body: { version: 'v1', regions: ['ap-southeast-1'] } });
    const ids = (await req('GET', '/api/v1/models/iris/rollouts', { headers: auth('viewer') })).body.map((r: any) => r.id);
    assert.ok(ids.length >= 2);
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => b - a));
  });

  it('refuses malformed deploy requests with 400s that name the field', async () => {
    const deploy = (body: unknown): Promise<Reply> => req('POST', '/api/v1/models/iris/rollouts', { headers: auth('deployer'), body });
    const cases: [unknown, RegExp][] = [
      [{ regions: ['us-east-1'] }, /body\.version: expected a non-empty string.*got nothing/],
      [{ version: 'v1', regions: 'us-east-1' }, /body\.regions: expected a non-empty array of strings.*got the string "us-east-1"/],
      [{ version: 'v1', regions: [] }, /body\.regions: expected a non-empty array/],
      [{ version: 'v1', regions: ['us-east-1', 7] }, /body\.regions\[1\]: expected a non-empty string; got number 7/],
      [{ version: 'v1', regions: ['us-east-1'], parallel: '2' }, /body\.parallel: expected a whole number from 1/],
      [{ version: 'v1', regions: ['us-east-1'], onFailure: 'explode' }, /body\.onFailure: expected one of "halt", "rollback"/],
      [{ version: 'v1', region: ['us-east-1'] }, /body: unknown field "region"; the fields are version, regions/],
      [{ version: 'v1', regions: ['us-east-1', 'eu-west-1'], waves: [['us-east-1']] }, /body\.waves: must hold exactly the regions.*missing eu-west-1/],
      [{ version: 'v1', regions: ['us-east-1'], waves: [['us-east-1']], parallel: 1 }, /either "waves" or "parallel"/],
      [{ version: 'bad version', regions: ['us-east-1'] }, /body\.version: "bad version" contains " "/],
      [[1, 2], /body: expected a JSON object/],
    ];
    for (const [body, message] of cases) {
      const r = await deploy(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.code, 'INVALID_ARGUMENT');
      assert.match(r.body.error, message);
    }
    const malformed = await req('POST', '/api/v1/models/iris/rollouts', { headers: { ...auth('deployer'), 'content-type': 'application/json' }, raw: '{"version": ' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'BAD_REQUEST');
    assert.match(malformed.body.error, /not valid JSON/);
    const badName = await req('POST', '/api/v1/models/-iris/rollouts', { headers: auth('deployer'), body: { version: 'v1', regions: ['us-east-1'] } });
    assert.match(badName.body.error, /^model: "-iris" does not start with a letter or digit/);
    const badId = await req('GET', '/api/v1/rollouts/abc', { headers: auth('viewer') });
    assert.equal(badId.status, 400);
    assert.match(badId.body.error, /^id: "abc" is not an id/);
    const badQuery = await req('GET', '/api/v1/events?limit=0', { headers: auth('viewer') });
    assert.match(badQuery.body.error, /^limit: "0" must be a whole number from 1 to 1000/);
    const typo = await req('GET', '/api/v1/events?rolout=1', { headers: auth('viewer') });
    assert.match(typo.body.error, /query parameter "rolout" is not known/);
  });

  it('maps the service\'s errors: unknown version 404, residency 422, unknown rollout 404', async () => {
    const unknown = await req('POST', '/api/v1/models/iris/rollouts', { headers: auth('deployer'), body: { version: 'v7', regions: ['us-east-1'] } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'MODEL_VERSION_UNKNOWN');
    const residency = await req('POST', '/api/v1/models/iris/rollouts', { headers: auth('deployer'), body: { version: 'v2', regions: ['eu-west-1', 'us-east-1', 'eu-west-2'] } });
    assert.equal(residency.status, 422);
    assert.equal(residency.body.code, 'RESIDENCY_VIOLATION');
    assert.match(residency.body.error, /us-east-1 \(US\), eu-west-2 \(UK\)/);
    assert.equal((await req('GET', '/api/v1/rollouts/999', { headers: auth('viewer') })).status, 404);
    assert.equal((await req('GET', '/api/v1/models/nosuch/versions', { headers: auth('viewer') })).status, 404);
    assert.equal((await req('GET', '/api/v1/models/nosuch/status', { headers: auth('viewer') })).status, 404);
    assert.equal((await req('DELETE', '/api/v1/tokens/999', { headers: auth('admin') })).status, 404);
  });

  it('404 for unknown routes, 405 with Allow for a wrong method', async () => {
    const nowhere = await req('GET', '/nowhere');
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.code, 'NOT_FOUND');
    assert.equal((await req('GET', '/api/v1/nowhere', { headers: auth('viewer') })).status, 404);
    const method = await req('DELETE', '/api/v1/regions', { headers: auth('admin') });
    assert.equal(method.status, 405);
    assert.equal(method.body.code, 'METHOD_NOT_ALLOWED');
    assert.equal(method.headers.get('allow'), 'GET');
    assert.equal((await req('PATCH', '/api/v1/tokens', { headers: auth('admin') })).headers.get('allow'), 'POST, GET');
  });

  it('pushes: 201 created, 200 for identical bytes, 409 for other bytes, checks before reading', async () => {
    const put = (path: string, bytes: Uint8Array, headers: Record<string, string> = { ...auth('deployer'), ...octet }): Promise<Reply> => req('PUT', path, { headers, raw: bytes });
    const first = await put('/api/v1/models/mlp/versions/v1?residency=EU,UK', onnx('mlp'));
    assert.equal(first.status, 201);
    assert.deepEqual(first.body.version.residency, ['EU', 'UK']);
    assert.equal((await put('/api/v1/models/mlp/versions/v1', onnx('mlp'))).status, 200);
    const conflict = await put('/api/v1/models/mlp/versions/v1', onnx('other'));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.code, 'VERSION_CONFLICT');
    const badVersion = await put('/api/v1/models/mlp/versions/v1%20final', onnx('mlp'));
    assert.equal(badVersion.status, 400);
    assert.match(badVersion.body.error, /^version: "v1 final" contains " "/);
    const badResidency = await put('/api/v1/models/mlp/versions/v2?residency=EU,Mars', onnx('mlp'));
    assert.match(badResidency.body.error, /^residency: unknown jurisdiction "Mars"/);
    const json = await put('/api/v1/models/mlp/versions/v2', onnx('mlp'), { ...auth('deployer'), 'content-type': 'application/json' });
    assert.equal(json.status, 415);
    assert.match(json.body.error, /application\/octet-stream/);
  });

  it('413 when a push is larger than maxBodyBytes', async () => {
    const small = await startApi({ maxBodyBytes: 1024 });
    try {
      const r = await call(small.url, 'PUT', '/api/v1/models/big/versions/v1', { headers: { ...auth('deployer'), ...octet }, raw: new Uint8Array(4096) });
      assert.equal(r.status, 413);
      assert.equal(r.body.code, 'PAYLOAD_TOO_LARGE');
      assert.match(r.body.error, /^the model file is larger than the control plane's limit of 1024 bytes/);
      assert.equal((await small.fake.listModels('big')).length, 0);
    } finally {
      await small.close();
    }
  });

  it('streams events: replay after `after`, then live, without duplicates or gaps', async () => {
    const s = await startApi({ keepaliveMs: 50 });
    const note = (n: number): void => void s.fake.append({ actor: 't', kind: 'test.note', model: 'iris', region: null, rolloutId: null, message: `note ${n}`, data: null });
    try {
      for (let i = 1; i <= 3; i++) note(i);
      // While the replay reads the log, event 4 is appended: it is both in the replay and live.
      s.fake.beforeEventsRead = () => {
        s.fake.beforeEventsRead = undefined;
        note(4);
      };
      const stream = await openStream(`${s.url}/api/v1/events/stream?after=1&model=iris`, auth('viewer'));
      assert.equal(stream.res.statusCode, 200);
      assert.match(String(stream.res.headers['content-type']), /^text\/event-stream/);
      await stream.waitForEvents(3);
      note(5);
      s.fake.append({ actor: 't', kind: 'test.note', model: 'other', region: null, rolloutId: null, message: 'filtered out', data: null });
      note(7);
      const got = await stream.waitForEvents(5);
      assert.deepEqual(got.map((f) => f.id), ['2', '3', '4', '5', '7']);
      assert.equal(got[0]?.event, 'test.note');
      assert.equal(JSON.parse(got[0]?.data ?? '').message, 'note 2');
      await new Promise((r) => setTimeout(r, 120));
      assert.ok(stream.frames.some((f) => f.comment === 'keepalive'), 'a keepalive comment');
      stream.close();
      // A reconnecting client's Last-Event-ID wins over `after`.
      const resumed = await openStream(`${s.url}/api/v1/events/stream?after=0&model=iris`, { ...auth('viewer'), 'last-event-id': '5' });
      assert.deepEqual((await resumed.waitForEvents(1)).map((f) => f.id), ['7']);
      resumed.close();
      for (let i = 0; i < 100 && s.fake.subscriberCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(s.fake.subscriberCount, 0, 'streams unsubscribe when their clients leave');
    } finally {
      await s.close();
    }
  });

  it('the event stream needs a token and valid filters', async () => {
    assert.equal((await req('GET', '/api/v1/events/stream')).status, 401);
    const bad = await req('GET', '/api/v1/events/stream?limit=5', { headers: auth('viewer') });
    assert.equal(bad.status, 400);
  });

  it('describes exactly the routes it serves in /openapi.json, with their roles', async () => {
    const served = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    const doc = (await req('GET', '/openapi.json')).body;
    const described = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    assert.deepEqual(described, served);
    for (const r of ROUTES) assert.equal(doc.paths[r.path][r.method.toLowerCase()]['x-meridian-role'], r.role, `${r.method} ${r.path}`);
    // And each documented operation is really answered (not 404 "no endpoint", not 405).
    for (const line of described) {
      const [method, template] = line.split(' ') as [string, string];
      const path = template.replace('{model}', 'iris').replace('{version}', 'v1').replace('{id}', '1');
      const ac = new AbortController();
      const r = await fetch(`${api.url}${path}`, { method, headers: { ...auth('admin'), 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}', signal: ac.signal });
      const body: any = r.headers.get('content-type')?.startsWith('application/json') === true ? await r.json() : undefined;
      ac.abort();
      assert.ok(r.status !== 405 && !(r.status === 404 && body?.code === 'NOT_FOUND' && String(body?.error).startsWith('no API endpoint')), `${line} → ${r.status}`);
    }
    // Every $ref resolves.
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/(\w+)"/g) ?? [];
    for (const ref of refs) assert.ok(doc.components.schemas[ref.split('/').pop()!.replace('"', '')], ref);
    assert.equal(openApiDocument.openapi, '3.1.0');
  });
});
