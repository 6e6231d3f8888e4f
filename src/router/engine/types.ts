// The engine's public request/result types and the attempt-level types its wrappers share.
import type { ErrorCode } from '../../core/errors.js';
import type { RoutingEndpoint } from '../../core/routing-table.js';
import type { Cancel } from './cancel.js';

/** The OIP calls the router forwards (../shared/specs/oip/inference_rest.md). */
export type ForwardAction = 'infer' | 'ready' | 'metadata';

/** One client request, as the router server hands it to the engine. */
export interface ForwardRequest {
  model: string;
  /** Set for an explicit `/versions/V` path: only that version may answer. */
  version?: string;
  action: ForwardAction;
  method: string;
  body?: Buffer;
  /** Passed through to the replica: traceparent, content-type, the sticky header. */
  headers: Record<string, string>;
  /** From the routing policy, best first, residency already applied. */
  regionOrder: string[];
  /** Aborted when the client goes away: every attempt in flight is abandoned. */
  signal?: ClientSignal;
}

/** What the engine needs of a client's cancellation; {@link Cancel} is one. */
export interface ClientSignal {
  readonly aborted: boolean;
  on(fn: () => void): void;
  off(fn: () => void): void;
}

/** What the router answers. An engine-made error (every attempt failed) carries `errorCode`. */
export interface ForwardResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Region, version and endpoint of the answer (of the last attempt when all failed; '' when none ran). */
  region: string;
  version: string;
  endpointId: string;
  /** Upstream attempts started: the first, retries and hedges. */
  attempts: number;
  /** True when a hedge was sent for this request. */
  hedged: boolean;
  /** Set only when the engine produced the response itself: `UPSTREAM_UNAVAILABLE` (503) or `DEADLINE_EXCEEDED` (504). */
  errorCode?: ErrorCode;
}

/** One output tensor of a sampled response, its data truncated. */
export interface SampledOutput {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

/**
 * The outcome of one upstream attempt of a sampled inference request, kept for release analysis:
 * the answer that went to the client, every failure on the way (a 5xx, a refused or reset
 * connection, a per-try timeout that was retried elsewhere) and the mirror copy's answer or failure.
 */
export interface OutputSample {
  /** The same for every sample of one client request (its attempts and its mirror copy): pairs a candidate's answer with the one the client got. */
  requestId: string;
  region: string;
  version: string;
  /**
   * Wall-clock ms since the epoch when the outcome arrived. Strictly increasing within one router
   * (ties are moved up by 1 µs), so a poller that asks for `since` = the newest time it saw never
   * misses a sample recorded after its poll.
   */
  time: number;
  /** Latency of the attempt until it answered or failed, emulated network delay included. */
  latencyMs: number;
  /** The upstream's HTTP status; 502 when the connection was refused, reset or broke, 504 when the attempt timed out. */
  status: number;
  /** The response's `outputs`, each truncated to a few values; [] for errors and answers without outputs. */
  outputs: SampledOutput[];
  /** True for the copy sent to the mirror version (its answer went nowhere else). */
  mirror: boolean;
  /** Which attempt of the request: the first (`primary`), a `retry`, a `hedge`, or the `mirror` copy. */
  role: 'primary' | 'retry' | 'hedge' | 'mirror';
}

/** Why an upstream request is sent; wrappers observe each role differently. */
export type AttemptRole = 'primary' | 'retry' | 'hedge' | 'mirror' | 'probe';

/** One concrete place to send a request: an endpoint of one version in one region. */
export interface Target {
  model: string;
  region: string;
  version: string;
  endpoint: RoutingEndpoint;
  /** Identifies the endpoint's health, load and outlier state. */
  key: string;
}

/** One upstream HTTP request, as the attempt-level wrappers see it. */
export interface UpstreamRequest {
  target: Target;
  role: AttemptRole;
  action: ForwardAction;
  method: string;
  /** Appended to the endpoint's URL. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Hard timeout, emulated delay both ways included; absent when the caller aborts the request itself (the race does). */
  timeoutMs?: number;
}

/** A complete upstream response (bodies are small JSON; buffering them lets a 5xx be retried). */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends one upstream request until it ends or `cancel` aborts. Rejects with an UpstreamError (the cancel's reason when it aborted). */
export type Dispatch = (req: UpstreamRequest, cancel: Cancel) => Promise<UpstreamResponse>;

/** Wraps a Dispatch with one cross-cutting behaviour (undici's interceptors, STYLE #11). */
export type Interceptor = (next: Dispatch) => Dispatch;

/** The key of an endpoint's state: model and version are part of what a replica serves. */
export function targetKey(model: string, version: string, endpoint: RoutingEndpoint): string {
  return `${model}\u0000${version}\u0000${endpoint.id}\u0000${endpoint.url}`;
}

/** The OIP path of an action on one version (versioned paths: the endpoint serves exactly it). */
export function oipPath(model: string, version: string, action: ForwardAction): string {
  const base = `/v2/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`;
  return action === 'infer' ? `${base}/infer` : action === 'ready' ? `${base}/ready` : base;
}
