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
  history(model: string): Promise<Rollout[]>;
  status(model?: string): Promise<ModelStatus[]>;
  events(q: EventQuery): Promise<EventRecord[]>;
  /** Live events after they are committed; returns an unsubscribe function. */
  subscribe(fn: (e: EventRecord) => void): () => void;
  createToken(name: string, role: Role, by: Principal): Promise<CreatedToken>;
  listTokens(): Promise<TokenInfo[]>;
  revokeToken(id: number, by: Principal): Promise<void>;
}
