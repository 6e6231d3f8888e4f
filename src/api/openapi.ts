// The OpenAPI 3.1 description of the control-plane API, written by hand next to the routes
// (routes.ts). A test checks that every route served is described here and nothing else is.
import type { Role } from '../core/domain.js';
import { schemas, type Schema } from './openapi-schemas.js';

interface Param {
  name: string;
  schema: Schema;
  description: string;
}

interface Operation {
  summary: string;
  role: Role | null;
  path?: Param[];
  query?: Param[];
  headers?: Param[];
  body?: { type: string; schema: Schema; required: boolean };
  ok: { status: number; description: string; type?: string; schema?: Schema };
  /** Error statuses beyond the ones every authenticated route has (400, 401, and 403 above viewer). */
  errors: number[];
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const list = (name: string): Schema => ({ type: 'array', items: ref(name) });
const NAME: Schema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' };
const ID: Schema = { type: 'integer', minimum: 1 };
const MODEL: Param = { name: 'model', schema: NAME, description: 'model name' };
const FILTERS: Param[] = [
  { name: 'after', schema: { type: 'integer', minimum: 0 }, description: 'only events with a larger id (default 0: from the start)' },
  { name: 'model', schema: NAME, description: 'only this model' },
  { name: 'region', schema: { type: 'string' }, description: 'only this region' },
  { name: 'rollout', schema: ID, description: 'only this rollout' },
];

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid request; `error` names the field',
  401: 'missing or invalid bearer token (with WWW-Authenticate: Bearer)',
  403: 'the token\'s role is too weak; `error` names the role needed',
  404: 'no such model, version, rollout or token',
  409: 'conflicts with current state (e.g. a rollout in progress, different bytes under the same version)',
  413: 'body larger than the server\'s limit',
  415: 'wrong content-type',
  422: 'refused by policy (e.g. residency: `error` names the regions)',
};

/** Every operation, by path and method. Keys must match routes.ts exactly. */
const OPERATIONS: Record<string, Partial<Record<'get' | 'put' | 'post' | 'delete', Operation>>> = {
  '/api/v1/routing-table': { get: { summary: 'The routing table routers serve: per model, its policy, residency and verified regions with their endpoints', role: 'viewer', ok: { status: 200, description: 'routing table', schema: ref('RoutingTable') }, errors: [] } },
  '/api/v1/routing-table/stream': {
    get: { summary: 'Server-Sent Events: the current routing table, then every new one (event: routing-table, id: revision)', role: 'viewer', ok: { status: 200, description: 'event stream', type: 'text/event-stream', schema: { type: 'string' } }, errors: [] },
  },
  '/api/v1/models/{model}/traffic': {
    get: { summary: "The model's routing policy (latency unless set)", role: 'viewer', path: [MODEL], ok: { status: 200, description: 'policy', schema: ref('RoutingPolicy') }, errors: [] },
    put: { summary: "Set the model's routing policy; routers get it with the next routing table", role: 'deployer', path: [MODEL], body: { type: 'application/json', schema: ref('RoutingPolicy'), required: true }, ok: { status: 200, description: 'the stored policy', schema: ref('RoutingPolicy') }, errors: [404] },
  },
  '/api/v1/drills': {
    post: { summary: 'Failure drill: kill (SIGKILL), freeze (SIGSTOP) or restore a region, zone or replica', role: 'admin', body: { type: 'application/json', schema: ref('DrillRequest'), required: true }, ok: { status: 200, description: 'the replicas affected', schema: { type: 'array', items: { type: 'object' } } }, errors: [404] },
  },
  '/healthz': { get: { summary: 'Liveness of the control plane', role: null, ok: { status: 200, description: 'alive', schema: ref('Health') }, errors: [] } },
  '/openapi.json': { get: { summary: 'This document', role: null, ok: { status: 200, description: 'OpenAPI 3.1', schema: { type: 'object' } }, errors: [] } },
  '/api/v1/whoami': { get: { summary: 'The caller, from the bearer token', role: 'viewer', ok: { status: 200, description: 'name and role', schema: ref('WhoAmI') }, errors: [] } },
  '/api/v1/regions': { get: { summary: 'Regions the control plane can deploy to', role: 'viewer', ok: { status: 200, description: 'regions', schema: list('RegionInfo') }, errors: [] } },
  '/api/v1/models': { get: { summary: 'Every pushed model version', role: 'viewer', ok: { status: 200, description: 'model versions', schema: list('ModelVersionInfo') }, errors: [] } },
  '/api/v1/models/{model}/versions': { get: { summary: 'Versions of one model', role: 'viewer', path: [MODEL], ok: { status: 200, description: 'model versions', schema: list('ModelVersionInfo') }, errors: [400, 404] } },
  '/api/v1/models/{model}/versions/{version}': {
    put: {
      summary: 'Push a model version (raw ONNX bytes). 201 when created, 200 when identical bytes were already there',
      role: 'deployer',
      path: [MODEL, { name: 'version', schema: NAME, description: 'version name' }],
      query: [{ name: 'residency', schema: { type: 'string' }, description: 'comma-separated jurisdictions the model may run in, e.g. EU,UK; absent = anywhere' }],
      body: { type: 'application/octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' }, required: true },
      ok: { status: 201, description: 'created', schema: ref('PushResult') },
      errors: [400, 409, 413, 415],
    },
  },
  '/api/v1/models/{model}/rollouts': {
    post: { summary: 'Deploy a version to regions (starts a rollout)', role: 'deployer', path: [MODEL], body: { type: 'application/json', schema: ref('DeployRequest'), required: true }, ok: { status: 202, description: 'rollout accepted', schema: ref('Rollout') }, errors: [400, 404, 409, 413, 422] },
    get: { summary: 'Rollouts of a model, newest first', role: 'viewer', path: [MODEL], ok: { status: 200, description: 'rollouts', schema: list('Rollout') }, errors: [400] },
  },
  '/api/v1/models/{model}/rollback': {
    post: { summary: 'Return regions to the previous version (starts a rollout)', role: 'deployer', path: [MODEL], body: { type: 'application/json', schema: ref('RollbackRequest'), required: false }, ok: { status: 202, description: 'rollout accepted', schema: ref('Rollout') }, errors: [400, 404, 409, 413] },
  },
  '/api/v1/rollouts/{id}': { get: { summary: 'One rollout with its regions\' progress', role: 'viewer', path: [{ name: 'id', schema: ID, description: 'rollout id' }], ok: { status: 200, description: 'the rollout', schema: ref('Rollout') }, errors: [400, 404] } },
  '/api/v1/rollouts/{id}/analysis': {
    get: { summary: 'Every analysis of a strategy rollout: per step and region, each judge\'s verdict with measured values, thresholds and sample sizes', role: 'viewer', path: [{ name: 'id', schema: ID, description: 'rollout id' }], ok: { status: 200, description: 'analysis runs, oldest first', schema: list('AnalysisRun') }, errors: [400, 404] },
  },
  ...Object.fromEntries(
    (
      [
        ['promote', 'Leave the current strategy step now (also ends a pause)'],
        ['pause', 'Hold the current strategy step'],
        ['resume', 'Go on after a pause; the step\'s bake starts over'],
        ['abort', 'Return every region of the rollout to its previous version'],
      ] as const
    ).map(([c, summary]) => [`/api/v1/rollouts/{id}/${c}`, { post: { summary, role: 'deployer', path: [{ name: 'id', schema: ID, description: 'rollout id' }], ok: { status: 200, description: 'the rollout after the command', schema: ref('Rollout') }, errors: [400, 404, 409] } }]),
  ),
  '/api/v1/models/{model}/metrics': {
    get: {
      summary: 'Requests, errors and p50/p99 latency per region × version over time, from the routers\' samples',
      role: 'viewer',
      path: [MODEL],
      query: [
        { name: 'window', schema: { type: 'integer', minimum: 10, maximum: 600 }, description: 'seconds of history (default 300)' },
        { name: 'bucket', schema: { type: 'integer', minimum: 1 }, description: 'bucket width in seconds' },
      ],
      ok: { status: 200, description: 'time series', schema: ref('MetricsSeries') },
      errors: [400, 404],
    },
  },
  '/api/v1/routers': {
    get: { summary: 'Routers watching the routing table now: their URL and edge', role: 'viewer', ok: { status: 200, description: 'routers', schema: { type: 'array', items: { type: 'object', required: ['url', 'edge'], properties: { url: { type: 'string' }, edge: { type: 'string' } } } } }, errors: [] },
  },
  '/api/v1/metrics': {
    get: { summary: 'The control plane\'s Prometheus metrics (text format 0.0.4): API requests, placements and weights, region health, rollouts, verdicts, revert times', role: 'viewer', ok: { status: 200, description: 'Prometheus text', type: 'text/plain', schema: { type: 'string' } }, errors: [] },
  },
  '/api/v1/status': { get: { summary: 'What runs where, for every model', role: 'viewer', ok: { status: 200, description: 'per model', schema: list('ModelStatus') }, errors: [] } },
  '/api/v1/models/{model}/status': { get: { summary: 'What runs where, for one model', role: 'viewer', path: [MODEL], ok: { status: 200, description: 'the model', schema: ref('ModelStatus') }, errors: [400, 404] } },
  '/api/v1/events': {
    get: { summary: 'The event log, oldest first', role: 'viewer', query: [...FILTERS, { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1000 }, description: 'most events returned' }], ok: { status: 200, description: 'events', schema: list('EventRecord') }, errors: [400] },
  },
  '/api/v1/events/stream': {
    get: {
      summary: 'The event log as Server-Sent Events: a replay after `after` (or Last-Event-ID), then live events; each `id: N`, `event: <kind>`, `data: <EventRecord JSON>`; `: keepalive` every 15 s',
      role: 'viewer',
      query: FILTERS,
      headers: [{ name: 'Last-Event-ID', schema: { type: 'string' }, description: 'resume after this id; wins over `after`' }],
      ok: { status: 200, description: 'an endless event stream', type: 'text/event-stream', schema: { type: 'string' } },
      errors: [400],
    },
  },
  '/api/v1/tokens': {
    post: { summary: 'Create a token (its secret is shown once)', role: 'admin', body: { type: 'application/json', schema: ref('CreateTokenRequest'), required: true }, ok: { status: 201, description: 'created', schema: ref('CreatedToken') }, errors: [400, 409, 413] },
    get: { summary: 'List tokens (never their secrets)', role: 'admin', ok: { status: 200, description: 'tokens', schema: list('TokenInfo') }, errors: [] },
  },
  '/api/v1/tokens/{id}': { delete: { summary: 'Revoke a token', role: 'admin', path: [{ name: 'id', schema: ID, description: 'token id' }], ok: { status: 204, description: 'revoked' }, errors: [400, 404] } },
};

function content(type: string, schema: Schema): Schema {
  return { [type]: { schema } };
}

function operation(method: string, path: string, op: Operation): Schema {
  const params = [
    ...(op.path ?? []).map((p) => ({ in: 'path', required: true, ...p })),
    ...(op.query ?? []).map((p) => ({ in: 'query', required: false, ...p })),
    ...(op.headers ?? []).map((p) => ({ in: 'header', required: false, ...p })),
  ];
  // Every authenticated route may answer 400 (unknown query parameters are refused) and 401;
  // 403 only where a viewer is not enough.
  const common = op.role === null ? [] : op.role === 'viewer' ? [400, 401] : [400, 401, 403];
  const errors = [...new Set([...common, ...op.errors])].sort();
  const responses: Schema = { [op.ok.status]: { description: op.ok.description, ...(op.ok.schema && { content: content(op.ok.type ?? 'application/json', op.ok.schema) }) } };
  if (op.ok.status === 201 && path.includes('{version}')) responses[200] = { description: 'identical bytes were already there', content: content('application/json', ref('PushResult')) };
  for (const s of errors) responses[s] = { description: ERROR_TEXT[s] ?? 'error', content: content('application/json', ref('Error')) };
  return {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
    summary: op.summary,
    description: op.role === null ? 'No authentication.' : `Requires a bearer token with role ${op.role} or higher (viewer < deployer < admin).`,
    'x-meridian-role': op.role,
    security: op.role === null ? [] : [{ bearer: [] }],
    ...(params.length > 0 && { parameters: params }),
    ...(op.body && { requestBody: { required: op.body.required, content: content(op.body.type, op.body.schema) } }),
    responses,
  };
}

/** The document served at `GET /openapi.json`. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Meridian control plane', version: '1', description: 'Deploys ML models to many regions at once. Errors are {"error": "...", "code": "..."} with stable codes.' },
  components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  security: [{ bearer: [] }],
  paths: Object.fromEntries(Object.entries(OPERATIONS).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(m, path, op)]))])),
} as const;
