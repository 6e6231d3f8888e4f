// Domain records of the control plane: models, rollouts, regions, events, tokens. The API
// contract (src/api/contract.ts) re-exports them for the CLI and the dashboard.

import type { CandidateTraffic, StrategyProgress, StrategySpec } from './strategy.js';

export type Role = 'viewer' | 'deployer' | 'admin';

export interface RegionInfo {
  code: string;
  provider: string;
  city: string;
  country: string;
  continent: string;
  jurisdiction: string;
  latitude: number;
  longitude: number;
  zones: string[];
}

export interface TensorInfo {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelVersionInfo {
  model: string;
  version: string;
  /** sha256 of the artifact bytes, hex. */
  digest: string;
  bytes: number;
  /** Jurisdictions the model may run in; null = anywhere. */
  residency: string[] | null;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  goldenExamples: number;
  createdAt: string;
  createdBy: string;
}

export interface PushResult {
  /** false when the identical bytes were pushed before (a no-op). */
  created: boolean;
  version: ModelVersionInfo;
}

/** A rollout's lifecycle. */
export type RolloutStatus =
  /** Accepted, not started. */
  | 'pending'
  /** Waves in progress. */
  | 'running'
  /** Held at a strategy step: by `meridian pause`, or an analysis that could not decide (reason says why). */
  | 'paused'
  /** Every region verified and serving the new version. */
  | 'succeeded'
  /** A region failed with --on-failure halt: later waves never started; verified regions serve the new version. */
  | 'halted'
  /** A region failed with --on-failure rollback: every region of the rollout is back on the previous version. */
  | 'rolled_back'
  /** `meridian abort`: every region of the rollout returned to the stable version. */
  | 'aborted';

export function isTerminalRollout(s: RolloutStatus): boolean {
  return s === 'succeeded' || s === 'halted' || s === 'rolled_back' || s === 'aborted';
}

/** One region's progress inside a rollout. */
export type RegionPhase =
  /** Waiting for its wave. */
  | 'pending'
  /** Copying the artifact into the region's store and verifying its digest. */
  | 'replicating'
  /** Starting model servers across the region's zones. */
  | 'provisioning'
  /** Readiness, golden examples and latency smoke test. */
  | 'verifying'
  /** Verified: routing includes the region with the new version. */
  | 'verified'
  /** Failed; `reason` says why. */
  | 'failed'
  /** Being returned to the previous version (--on-failure rollback). */
  | 'rolling_back'
  /** Returned to the previous version. */
  | 'rolled_back'
  /** Never started: an earlier wave failed. */
  | 'skipped';

export function isTerminalRegionPhase(p: RegionPhase): boolean {
  return p === 'verified' || p === 'failed' || p === 'rolled_back' || p === 'skipped';
}

export interface VerificationCheck {
  name: 'ready' | 'golden' | 'latency';
  ok: boolean;
  skipped?: boolean;
  detail: string;
}

export interface RolloutRegion {
  region: string;
  wave: number;
  phase: RegionPhase;
  reason: string | null;
  /** Stable code for failures, e.g. ARTIFACT_DIGEST_MISMATCH, VERIFICATION_FAILED, PROVISION_FAILED. */
  errorCode: string | null;
  startedAt: string | null;
  updatedAt: string;
  checks: VerificationCheck[];
}

export type OnFailure = 'halt' | 'rollback';

export interface Rollout {
  id: number;
  model: string;
  kind: 'deploy' | 'rollback';
  fromVersion: string | null;
  toVersion: string;
  status: RolloutStatus;
  reason: string | null;
  onFailure: OnFailure;
  waves: string[][];
  replicas: number;
  regions: RolloutRegion[];
  /** How traffic moves to the new version inside each wave. */
  strategy: StrategySpec;
  /** Where the strategy stands; null for all-at-once or before it started. */
  progress: StrategyProgress | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export interface DeployRequest {
  version: string;
  regions: string[];
  /** Explicit waves; when absent, regions are cut into waves of `parallel`. */
  waves?: string[][];
  parallel?: number;
  onFailure?: OnFailure;
  replicas?: number;
  /** Release strategy; all-at-once when absent. Checked by config/strategy-spec.ts. */
  strategy?: StrategySpec;
}

export type RegionHealth = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface RegionStatus {
  region: string;
  version: string;
  phase: string;
  replicasReady: number;
  replicasDesired: number;
  health: RegionHealth;
  /** Share of this model's traffic routed to the region, 0..1. */
  trafficShare: number;
  /** While a release strategy runs here: the candidate beside `version`, its share and mirror. */
  candidate: CandidateTraffic | null;
}

export interface ModelStatus {
  model: string;
  currentVersion: string | null;
  previousVersion: string | null;
  regions: RegionStatus[];
  activeRollout: number | null;
}

export interface EventRecord {
  id: number;
  time: string;
  actor: string;
  kind: string;
  model: string | null;
  region: string | null;
  rolloutId: number | null;
  message: string;
  data: Record<string, unknown> | null;
}

export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
}

export interface CreatedToken extends TokenInfo {
  /** Shown once; only its hash is stored. */
  token: string;
}

export interface ApiError {
  error: string;
  code: string;
}
