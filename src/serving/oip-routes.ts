// Open Inference Protocol v2 REST endpoints (../shared/specs/oip/inference_rest.md). The version
// segment is optional in every model path, as the prose says (the YAML lists only versioned paths).
import { childSpan, formatTraceparent, parseTraceparent } from '../core/trace-context.js';
import type { Logger } from '../core/log.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MeridianError, httpStatusOf, messageOf } from '../core/errors.js';
import { sendJson, sendText } from '../core/http.js';
import { HOST_LITTLE_ENDIAN } from '../core/tensors.js';
import { CONTENT_TYPE } from '../monitor/prometheus.js';
import type { Batcher, InferOutcome } from './batcher.js';
import { BINARY_EXTENSION, HEADER_LENGTH_HEADER, inferenceHeaderLength } from './binary-data.js';
import { readRawBody } from './raw-body.js';
import type { ServingMetrics } from './serving-metrics.js';
import type { ModelSignature } from './signature.js';

export type ServerPhase = 'loading' | 'ready' | 'draining';

export interface ServingContext {
  serverName: string;
  serverVersion: string;
  model: { name: string; version: string };
  phase(): ServerPhase;
  signature(): ModelSignature | undefined;
  batcher(): Batcher | undefined;
  metrics: ServingMetrics;
  maxBodyBytes: number;
  /** Failed inference requests are logged with their trace and request ids. */
  logger: Logger;
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
/** Server metadata `extensions`; binary tensor data needs a little-endian host (see binary-data.ts). */
const EXTENSIONS = HOST_LITTLE_ENDIAN ? [BINARY_EXTENSION] : [];

export function createOipHandler(ctx: ServingContext) {
  // Built once: the metrics registry finds their series without hashing labels per request.
  const labels = { model: ctx.model.name, version: ctx.model.version };
  const okLabels = { ...labels, status: '200' };
  // This model's infer paths as clients spell them, found without the regex and percent-decoding.
  const model = encodeURIComponent(ctx.model.name);
  const inferPaths = new Set([`/v2/models/${model}/infer`, `/v2/models/${model}/versions/${encodeURIComponent(ctx.model.version)}/infer`]);
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    let isInfer = false;
    // W3C trace context: continue the caller's trace (the router's) with a span of ours, echoed
    // in the response so the caller can match its log lines with ours.
    const trace = childSpan(parseTraceparent(req.headers.traceparent));
    res.setHeader('traceparent', formatTraceparent(trace));
    try {
      if (inferPaths.has(path)) {
        isInfer = true;
        if (req.method !== 'POST') throw methodNotAllowed(req, 'POST');
        await infer(ctx, req, res, started, labels, okLabels);
        return;
      }
      if (path === '/v2/health/live') return get(req, () => sendJson(res, 200, { live: true }));
      if (path === '/v2/health/ready') {
        return get(req, () => {
          const ready = ctx.phase() === 'ready';
          sendJson(res, ready ? 200 : 503, { live: true, ready });
        });
      }
      if (path === '/v2') return get(req, () => sendJson(res, 200, { name: ctx.serverName, version: ctx.serverVersion, extensions: EXTENSIONS }));
      if (path === '/metrics') return get(req, () => sendText(res, 200, ctx.metrics.registry.render(), CONTENT_TYPE));
      const m = MODEL_PATH.exec(path);
      if (m === null) throw new MeridianError('NOT_FOUND', `no endpoint at ${path}; see the Open Inference Protocol paths under /v2`);
      checkModel(ctx, decode(m[1]!), m[2] === undefined ? undefined : decode(m[2]));
      const action = m[3];
      if (action === '/infer') {
        isInfer = true;
        if (req.method !== 'POST') throw methodNotAllowed(req, 'POST');
        await infer(ctx, req, res, started, labels, okLabels);
        return;
      }
      if (action === '/ready') {
        return get(req, () => {
          const ready = ctx.phase() === 'ready';
          sendJson(res, ready ? 200 : 503, { name: ctx.model.name, ready });
        });
      }
      return get(req, () => {
        const sig = ctx.signature();
        if (sig === undefined) throw notReady();
        sendJson(res, 200, { name: ctx.model.name, versions: [ctx.model.version], platform: 'onnx_onnxv1', inputs: sig.inputs, outputs: sig.outputs });
      });
    } catch (e) {
      const err = e instanceof MeridianError ? e : new MeridianError('INTERNAL', messageOf(e));
      const status = httpStatusOf(err.code);
      if (isInfer) {
        ctx.metrics.requests.inc({ ...labels, status: String(status) });
        ctx.logger.log(status >= 500 ? 'error' : 'warn', 'infer.failed', { status, code: err.code, error: err.message, traceId: trace.traceId, spanId: trace.spanId, parentSpanId: parseTraceparent(req.headers.traceparent)?.spanId ?? null });
      }
      const headers: Record<string, string> = status === 503 ? { 'retry-after': '1' } : {};
      if (err.code === 'PAYLOAD_TOO_LARGE') headers.connection = 'close';
      if (!res.headersSent) sendJson(res, status, { error: err.message }, headers);
      else res.destroy();
    }

    function get(r: IncomingMessage, fn: () => void): void {
      if (r.method !== 'GET' && r.method !== 'HEAD') throw methodNotAllowed(r, 'GET');
      fn();
    }
  };
}

/**
 * Reads the body's bytes and hands them to the batcher; an inference worker decodes and validates
 * them, runs them and encodes the reply, which is written here as it came. A request the worker
 * refused comes back as a MeridianError, answered by the handler's one error path.
 */
async function infer(ctx: ServingContext, req: IncomingMessage, res: ServerResponse, started: number, labels: Record<string, string>, okLabels: Record<string, string>): Promise<void> {
  const phase = ctx.phase();
  if (phase === 'draining') throw new MeridianError('SHUTTING_DOWN', 'the server is shutting down; send the request to another replica');
  const batcher = ctx.batcher();
  if (phase !== 'ready' || batcher === undefined) throw notReady();
  ctx.metrics.inFlight.inc(labels);
  try {
    const headerLength = inferenceHeaderLength(req.headers[HEADER_LENGTH_HEADER]);
    const outcome = await batcher.submit(await readRawBody(req, ctx.maxBodyBytes, headerLength));
    writeReply(res, outcome);
    ctx.metrics.requests.inc(okLabels);
    ctx.metrics.requestDuration.observe(labels, (performance.now() - started) / 1000);
    ctx.metrics.queueDuration.observe(labels, outcome.queueMs / 1000);
  } finally {
    ctx.metrics.inFlight.dec(labels);
  }
}

/** As Triton does: binary tensor data after the JSON makes the reply application/octet-stream with Inference-Header-Content-Length. */
function writeReply(res: ServerResponse, o: InferOutcome): void {
  if (o.headerLength === undefined) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': o.bytes.byteLength });
  } else {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': o.bytes.byteLength, 'inference-header-content-length': o.headerLength });
  }
  res.end(o.bytes);
}

function checkModel(ctx: ServingContext, name: string, version: string | undefined): void {
  if (name !== ctx.model.name) throw new MeridianError('MODEL_NOT_FOUND', `unknown model "${name}"; this server serves "${ctx.model.name}"`);
  if (version !== undefined && version !== ctx.model.version) {
    throw new MeridianError('MODEL_NOT_FOUND', `model "${name}" has no version "${version}"; this server serves version "${ctx.model.version}"`);
  }
}

function notReady(): MeridianError {
  return new MeridianError('MODEL_NOT_READY', 'the model is still loading and warming up; retry in a moment');
}

function methodNotAllowed(req: IncomingMessage, allowed: string): MeridianError {
  return new MeridianError('METHOD_NOT_ALLOWED', `method ${req.method ?? '?'} is not allowed here; use ${allowed}`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new MeridianError('BAD_REQUEST', `the path segment "${s}" is not valid percent-encoding`);
  }
}
