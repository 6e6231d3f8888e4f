// The CLI's only way to the control plane: typed calls over HTTP, one per API route. Failures
// carry the server's stable code and HTTP status, so commands choose exit codes without reading
// message text.
import type { AnalysisRun, CreatedToken, DeployRequest, EventRecord, ModelStatus, ModelVersionInfo, PushResult, RegionInfo, Rollout, RolloutCommand, TokenInfo } from '../api/contract.js';
import type { DrillRequest, ReplicaStatus } from '../api/requests.js';
import type { RoutingPolicySpec, RoutingTable } from '../core/routing-table.js';
import type { CreateTokenRequest, EventsQuery, RollbackRequest, WhoAmI } from '../api/requests.js';
import type { ApiTarget } from './client-config.js';
import { readSse } from '../core/sse.js';

/** A request the control plane refused or could not answer. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The server's stable code (e.g. RESIDENCY_VIOLATION), or UNAVAILABLE when unreachable. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSON calls are small; a server that takes longer than this is stuck, not busy. */
const REQUEST_TIMEOUT_MS = 30_000;

const enc = encodeURIComponent;

function queryString(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

export class ApiClient {
  constructor(readonly target: ApiTarget) {}

  whoami = (): Promise<WhoAmI> => this.json('GET', '/api/v1/whoami');
  regions = (): Promise<RegionInfo[]> => this.json('GET', '/api/v1/regions');
  models = (): Promise<ModelVersionInfo[]> => this.json('GET', '/api/v1/models');
  versions = (model: string): Promise<ModelVersionInfo[]> => this.json('GET', `/api/v1/models/${enc(model)}/versions`);
  deploy = (model: string, req: DeployRequest): Promise<Rollout> => this.json('POST', `/api/v1/models/${enc(model)}/rollouts`, req);
  rollback = (model: string, req: RollbackRequest): Promise<Rollout> => this.json('POST', `/api/v1/models/${enc(model)}/rollback`, req);
  history = (model: string): Promise<Rollout[]> => this.json('GET', `/api/v1/models/${enc(model)}/rollouts`);
  rollout = (id: number): Promise<Rollout> => this.json('GET', `/api/v1/rollouts/${id}`);
  rolloutCommand = (id: number, command: RolloutCommand): Promise<Rollout> => this.json('POST', `/api/v1/rollouts/${id}/${command}`);
  analysis = (id: number): Promise<AnalysisRun[]> => this.json('GET', `/api/v1/rollouts/${id}/analysis`);
  status = (): Promise<ModelStatus[]> => this.json('GET', '/api/v1/status');
  modelStatus = (model: string): Promise<ModelStatus> => this.json('GET', `/api/v1/models/${enc(model)}/status`);
  events = (q: EventsQuery): Promise<EventRecord[]> => this.json('GET', `/api/v1/events${queryString({ ...q })}`);
  createToken = (req: CreateTokenRequest): Promise<CreatedToken> => this.json('POST', '/api/v1/tokens', req);
  tokens = (): Promise<TokenInfo[]> => this.json('GET', '/api/v1/tokens');
  trafficPolicy = (model: string): Promise<RoutingPolicySpec> => this.json('GET', `/api/v1/models/${enc(model)}/traffic`);
  setTrafficPolicy = (model: string, policy: RoutingPolicySpec): Promise<RoutingPolicySpec> => this.json('PUT', `/api/v1/models/${enc(model)}/traffic`, policy);
  routingTable = (): Promise<RoutingTable> => this.json('GET', '/api/v1/routing-table');
  drill = (req: DrillRequest): Promise<ReplicaStatus[]> => this.json('POST', '/api/v1/drills', req);
  revokeToken = async (id: number): Promise<void> => {
    await this.call('DELETE', `/api/v1/tokens/${id}`, { timeoutMs: REQUEST_TIMEOUT_MS });
  };

  /** Pushes raw ONNX bytes; uploads can be large, so there is no timeout. */
  async pushModel(model: string, version: string, bytes: Uint8Array, residency: string[] | null): Promise<PushResult> {
    const q = queryString({ residency: residency?.join(',') });
    const res = await this.call('PUT', `/api/v1/models/${enc(model)}/versions/${enc(version)}${q}`, { body: bytes, contentType: 'application/octet-stream' });
    return (await res.json()) as PushResult;
  }

  /**
   * Live events matching `q` (without `limit`), after a replay from `after`; ends when the
   * server closes the stream or `signal` aborts.
   */
  async *eventStream(q: Omit<EventsQuery, 'limit'>, signal?: AbortSignal): AsyncGenerator<EventRecord> {
    const res = await this.call('GET', `/api/v1/events/stream${queryString({ ...q })}`, { accept: 'text/event-stream', signal });
    if (res.body === null) return;
    for await (const m of readSse(res.body)) yield JSON.parse(m.data) as EventRecord;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, { body: body === undefined ? undefined : JSON.stringify(body), contentType: 'application/json', timeoutMs: REQUEST_TIMEOUT_MS });
    return (await res.json()) as T;
  }

  private async call(method: string, path: string, o: { body?: string | Uint8Array | undefined; contentType?: string; accept?: string; timeoutMs?: number; signal?: AbortSignal | undefined }): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.target.token}`, accept: o.accept ?? 'application/json' };
    if (o.body !== undefined && o.contentType !== undefined) headers['content-type'] = o.contentType;
    const signals = [o.signal, o.timeoutMs === undefined ? undefined : AbortSignal.timeout(o.timeoutMs)].filter((s): s is AbortSignal => s !== undefined);
    let res: Response;
    try {
      res = await fetch(`${this.target.url}${path}`, { method, headers, body: o.body, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined });
    } catch (e) {
      if (o.signal?.aborted === true) throw e;
      throw unreachable(this.target.url, e);
    }
    if (res.ok) return res;
    const text = await res.text();
    let body: { error?: unknown; code?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not our API (a proxy's error page?): report the status and the start of the text.
    }
    const message = typeof body.error === 'string' ? body.error : `HTTP ${res.status} ${res.statusText} from ${this.target.url}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
    throw new ApiCallError(res.status, typeof body.code === 'string' ? body.code : `HTTP_${res.status}`, message);
  }
}

function unreachable(url: string, e: unknown): ApiCallError {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const why = e instanceof Error && e.name === 'TimeoutError' ? 'no answer in time' : ((cause as { code?: string }).code ?? (cause instanceof Error ? cause.message : String(cause)));
  return new ApiCallError(0, 'UNAVAILABLE', `cannot reach the control plane at ${url} (${why}); is it running? \`meridian up\` starts one locally, or set MERIDIAN_API_URL`);
}
