// Every route of the control-plane API: method, path template, least role, handler. Handlers
// parse their input (request-parsing.ts), call the service and reply; errors are thrown and become
// responses in the server's one error handler.
import type { ModelStatus } from '../core/domain.js';
import { MeridianError, isMeridianError } from '../core/errors.js';
import { readBody, sendJson, sendText } from '../core/http.js';
import { CONTENT_TYPE } from '../monitor/prometheus.js';
import { parseJsonBody } from './body-reader.js';
import { streamEvents } from './event-stream.js';
import { streamRoutingTable } from './routing-table-stream.js';
import { checkName } from '../core/names.js';
import { openApiDocument } from './openapi.js';
import { readCreateToken, readDeployRequest, readDrillRequest, readEventQuery, readId, readMetricsQuery, readResidency, readRollbackRequest } from './request-parsing.js';
import { ROLLOUT_COMMANDS } from '../rollout/service.js';
import type { Health, WhoAmI } from './requests.js';
import type { RequestContext, Route } from './router.js';

const model = (c: RequestContext): string => checkName('model', c.params.model ?? '');

/** The body, or PAYLOAD_TOO_LARGE in this API's words (core's message speaks of inference rows). */
async function bodyOf(c: RequestContext, limit: number, what: string): Promise<Buffer> {
  try {
    return await readBody(c.req, limit);
  } catch (e) {
    if (!isMeridianError(e, 'PAYLOAD_TOO_LARGE')) throw e;
    throw new MeridianError('PAYLOAD_TOO_LARGE', `${what} is larger than the control plane's limit of ${limit} bytes`);
  }
}

async function jsonBody(c: RequestContext): Promise<unknown> {
  return parseJsonBody(await bodyOf(c, c.options.maxJsonBytes, 'the JSON request body'));
}

/** Query parameters are refused on routes that take none: a misspelt option must not pass silently. */
function noQuery(c: RequestContext): void {
  const k = [...c.query.keys()][0];
  if (k !== undefined) throw new MeridianError('INVALID_ARGUMENT', `query parameter "${k}" is not known here; this endpoint takes none`);
}

/** A read without query parameters: 200 with whatever `fn` returns. */
function read(fn: (c: RequestContext) => unknown): (c: RequestContext) => Promise<void> {
  return async (c) => {
    noQuery(c);
    sendJson(c.res, 200, await fn(c));
  };
}

async function push(c: RequestContext): Promise<void> {
  // Names and media type are checked before the body is read: a wrong request costs no upload.
  const name = model(c);
  const version = checkName('version', c.params.version ?? '');
  for (const k of c.query.keys()) {
    if (k !== 'residency') throw new MeridianError('INVALID_ARGUMENT', `query parameter "${k}" is not known here; the only one is residency (e.g. ?residency=EU,UK)`);
  }
  const residency = readResidency(c.query.get('residency'));
  const type = (c.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    throw new MeridianError('UNSUPPORTED_MEDIA_TYPE', `content-type: send the raw ONNX bytes as application/octet-stream (got ${type === '' || type === undefined ? 'none' : type}); with curl: --data-binary @model.onnx -H 'content-type: application/octet-stream'`);
  }
  const bytes = await bodyOf(c, c.options.maxPushBytes, 'the model file');
  if (bytes.length === 0) throw new MeridianError('INVALID_ARGUMENT', 'body: empty; send the ONNX file\'s bytes');
  const result = await c.service.pushModel(name, version, bytes, residency, c.principal);
  sendJson(c.res, result.created ? 201 : 200, result);
}

async function versions(c: RequestContext): Promise<void> {
  noQuery(c);
  const name = model(c);
  const list = await c.service.listModels(name);
  if (list.length === 0) throw new MeridianError('MODEL_NOT_FOUND', `no model "${name}"; push one with \`meridian models push FILE --name ${name} --version V\``);
  sendJson(c.res, 200, list);
}

async function modelStatus(c: RequestContext): Promise<void> {
  noQuery(c);
  const name = model(c);
  const found: ModelStatus | undefined = (await c.service.status(name)).find((s) => s.model === name);
  if (found === undefined) throw new MeridianError('MODEL_NOT_FOUND', `no model "${name}" is deployed or pushed; \`meridian models list\` shows the models`);
  sendJson(c.res, 200, found);
}

async function history(c: RequestContext): Promise<void> {
  noQuery(c);
  const list = await c.service.history(model(c));
  // Newest first, whatever order the store keeps them in.
  sendJson(c.res, 200, [...list].sort((a, b) => b.id - a.id));
}

/** The route table. Public routes first; everything under /api/v1 needs a token. */
export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/healthz', role: null, handle: (c) => sendJson(c.res, 200, { ok: true } satisfies Health) },
  { method: 'GET', path: '/openapi.json', role: null, handle: (c) => sendJson(c.res, 200, openApiDocument) },
  { method: 'GET', path: '/api/v1/whoami', role: 'viewer', handle: read((c): WhoAmI => ({ name: c.principal.name, role: c.principal.role })) },
  { method: 'GET', path: '/api/v1/regions', role: 'viewer', handle: read((c) => c.service.regions()) },
  {
    method: 'GET',
    path: '/api/v1/metrics',
    role: 'viewer',
    handle: async (c) => {
      noQuery(c);
      // Behind the token like the rest of the API; Prometheus scrapes with `authorization: credentials`.
      sendText(c.res, 200, `${c.apiMetrics()}${await c.service.prometheus()}`, CONTENT_TYPE);
    },
  },
  { method: 'GET', path: '/api/v1/models', role: 'viewer', handle: read((c) => c.service.listModels()) },
  { method: 'GET', path: '/api/v1/models/{model}/versions', role: 'viewer', handle: versions },
  { method: 'PUT', path: '/api/v1/models/{model}/versions/{version}', role: 'deployer', handle: push },
  {
    method: 'POST',
    path: '/api/v1/models/{model}/rollouts',
    role: 'deployer',
    handle: async (c) => {
      noQuery(c);
      const name = model(c);
      const req = readDeployRequest(await jsonBody(c));
      sendJson(c.res, 202, await c.service.deploy(name, req, c.principal));
    },
  },
  { method: 'GET', path: '/api/v1/models/{model}/rollouts', role: 'viewer', handle: history },
  {
    method: 'POST',
    path: '/api/v1/models/{model}/rollback',
    role: 'deployer',
    handle: async (c) => {
      noQuery(c);
      const name = model(c);
      const req = readRollbackRequest(await jsonBody(c));
      sendJson(c.res, 202, await c.service.rollback(name, req, c.principal));
    },
  },
  { method: 'GET', path: '/api/v1/rollouts/{id}', role: 'viewer', handle: read((c) => c.service.getRollout(readId('id', c.params.id ?? ''))) },
  { method: 'GET', path: '/api/v1/rollouts/{id}/analysis', role: 'viewer', handle: read((c) => c.service.analysis(readId('id', c.params.id ?? ''))) },
  ...ROLLOUT_COMMANDS.map(
    (command): Route => ({
      method: 'POST',
      path: `/api/v1/rollouts/{id}/${command}`,
      role: 'deployer',
      handle: async (c) => {
        noQuery(c);
        sendJson(c.res, 200, await c.service.rolloutCommand(readId('id', c.params.id ?? ''), command, c.principal));
      },
    }),
  ),
  {
    method: 'GET',
    path: '/api/v1/models/{model}/metrics',
    role: 'viewer',
    handle: async (c) => {
      const q = readMetricsQuery(c.query);
      sendJson(c.res, 200, await c.service.metrics(model(c), q.windowSeconds, q.bucketSeconds));
    },
  },
  { method: 'GET', path: '/api/v1/status', role: 'viewer', handle: read((c) => c.service.status()) },
  { method: 'GET', path: '/api/v1/models/{model}/status', role: 'viewer', handle: modelStatus },
  {
    method: 'GET',
    path: '/api/v1/events',
    role: 'viewer',
    handle: async (c) => sendJson(c.res, 200, await c.service.events(readEventQuery(c.query, c.options.maxEventsLimit))),
  },
  { method: 'GET', path: '/api/v1/events/stream', role: 'viewer', handle: (c) => streamEvents(c, readEventQuery(c.query, null)) },
  { method: 'GET', path: '/api/v1/routing-table', role: 'viewer', handle: read((c) => c.service.routingTable()) },
  { method: 'GET', path: '/api/v1/routers', role: 'viewer', handle: read((c) => c.service.watchingRouters()) },
  {
    method: 'GET',
    path: '/api/v1/routing-table/stream',
    role: 'viewer',
    handle: (c) => {
      for (const k of c.query.keys()) {
        if (k !== 'router' && k !== 'edge') throw new MeridianError('INVALID_ARGUMENT', `query parameter "${k}" is not known here; a router may send router=URL and edge=NAME`);
      }
      return streamRoutingTable(c);
    },
  },
  { method: 'GET', path: '/api/v1/models/{model}/traffic', role: 'viewer', handle: read((c) => c.service.trafficPolicy(model(c))) },
  {
    method: 'PUT',
    path: '/api/v1/models/{model}/traffic',
    role: 'deployer',
    handle: async (c) => {
      noQuery(c);
      const name = model(c);
      sendJson(c.res, 200, await c.service.setTrafficPolicy(name, await jsonBody(c), c.principal));
    },
  },
  {
    method: 'POST',
    path: '/api/v1/drills',
    role: 'admin',
    handle: async (c) => {
      noQuery(c);
      sendJson(c.res, 200, await c.service.drill(readDrillRequest(await jsonBody(c)), c.principal));
    },
  },
  {
    method: 'POST',
    path: '/api/v1/tokens',
    role: 'admin',
    handle: async (c) => {
      noQuery(c);
      const t = readCreateToken(await jsonBody(c));
      sendJson(c.res, 201, await c.service.createToken(t.name, t.role, c.principal));
    },
  },
  { method: 'GET', path: '/api/v1/tokens', role: 'admin', handle: read((c) => c.service.listTokens()) },
  {
    method: 'DELETE',
    path: '/api/v1/tokens/{id}',
    role: 'admin',
    handle: async (c) => {
      noQuery(c);
      await c.service.revokeToken(readId('id', c.params.id ?? ''), c.principal);
      c.res.writeHead(204).end();
    },
  },
];
