// What the control plane does, as one interface: the API server is an HTTP skin over it, so the
// CLI, the dashboard and tests all reach the same behaviour. Implemented by ControlPlane
// (control-plane.ts); errors are MeridianErrors with stable codes (the API maps them to HTTP).
import type {
  CreatedToken,
  DeployRequest,
  EventRecord,
  ModelStatus,
  ModelVersionInfo,
  OnFailure,
  PushResult,
  RegionInfo,
  Role,
  Rollout,
  TokenInfo,
} from '../core/domain.js';
import type { RoutingPolicySpec, RoutingTable } from '../core/routing-table.js';
import type { AnalysisRun } from '../core/strategy.js';
import type { SeriesLine } from './sample-collector.js';
import type { FailureMode, ReplicaStatus } from '../providers/compute-provider.js';

/** Who is asking: from the bearer token. */
export interface Principal {
  name: string;
  role: Role;
}

export interface RollbackRequest {
  /** Regions to return; default: every region where the model runs. */
  regions?: string[];
  parallel?: number;
  onFailure?: OnFailure;
}

export interface EventQuery {
  afterId?: number;
  model?: string;
  region?: string;
  rolloutId?: number;
  limit?: number;
}

/** A failure drill: break (kill: SIGKILL, freeze: SIGSTOP) or restore a region, a zone or one replica. */
export interface DrillRequest {
  region: string;
  zone?: string;
  replicaId?: string;
  mode: 'kill' | 'freeze' | 'restore';
}

export const DRILL_MODES: Record<Exclude<DrillRequest['mode'], 'restore'>, FailureMode> = { kill: 'crash', freeze: 'hang' };

/**
 * promote: leave the current step now (ends a pause too); pause/resume: hold a strategy step and
 * go on (resume restarts the step's bake); abort: every region back on its stable version.
 */
export type RolloutCommand = 'promote' | 'pause' | 'resume' | 'abort';
export const ROLLOUT_COMMANDS: readonly RolloutCommand[] = ['promote', 'pause', 'resume', 'abort'];

export interface ControlPlaneService {
  authenticate(token: string): Promise<Principal | undefined>;
  regions(): RegionInfo[];
  /** Validates the bytes with onnxruntime, stores them content-addressed, records signature and golden examples. */
  pushModel(model: string, version: string, bytes: Uint8Array, residency: string[] | null, by: Principal): Promise<PushResult>;
  listModels(model?: string): Promise<ModelVersionInfo[]>;
  /** Validates everything up front (regions, version, residency) and starts the rollout; resolves once it is recorded. */
  deploy(model: string, req: DeployRequest, by: Principal): Promise<Rollout>;
  rollback(model: string, req: RollbackRequest, by: Principal): Promise<Rollout>;
  getRollout(id: number): Promise<Rollout>;
  /** The control plane's own metrics, Prometheus text format (placements, health, rollouts, verdicts, reverts). */
  prometheus(): Promise<string>;
  /** A strategy rollout: leave the current step now (also ends a pause). */
  rolloutCommand(id: number, command: RolloutCommand, by: Principal): Promise<Rollout>;
  /** Every analysis of the rollout, in order, with the judges' values, thresholds and sample sizes. */
  analysis(id: number): Promise<AnalysisRun[]>;
  /** Requests, errors, p50/p99 per region × version over the last `windowSeconds`, from the routers' samples. */
  metrics(model: string, windowSeconds: number, bucketSeconds: number): Promise<{ model: string; bucketSeconds: number; lines: SeriesLine[] }>;
  history(model: string): Promise<Rollout[]>;
  status(model?: string): Promise<ModelStatus[]>;
  events(q: EventQuery): Promise<EventRecord[]>;
  /** Live events after they are committed; returns an unsubscribe function. */
  subscribe(fn: (e: EventRecord) => void): () => void;
  /** The routing table routers serve; only verified regions are in it. */
  routingTable(): RoutingTable;
  /** Every new routing table as it is published; returns an unsubscribe function. */
  subscribeRoutingTable(fn: (t: RoutingTable) => void): () => void;
  /** Routers watching the routing table now, with their edge. */
  watchingRouters(): { url: string; edge: string }[];
  /** A router announced itself while watching the table (its URL serves GET /stats); returns the unregister function. */
  registerRouter(r: { url: string; edge: string }): () => void;
  trafficPolicy(model: string): Promise<RoutingPolicySpec>;
  /** Validates and stores the model's routing policy, then republishes the routing table. */
  setTrafficPolicy(model: string, policy: unknown, by: Principal): Promise<RoutingPolicySpec>;
  /** Breaks or restores replicas on purpose (`meridian drill`); recorded as an event. */
  drill(req: DrillRequest, by: Principal): Promise<ReplicaStatus[]>;
  createToken(name: string, role: Role, by: Principal): Promise<CreatedToken>;
  listTokens(): Promise<TokenInfo[]>;
  revokeToken(id: number, by: Principal): Promise<void>;
}
