// Table types for the query layer (Kysely). Column names are snake_case SQL; JSON columns hold
// text. Everything here is portable SQL so PostgreSQL can replace SQLite without new queries.
import type { Generated } from 'kysely';

export interface TokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  /** sha256 of the token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ModelsTable {
  name: string;
  created_at: string;
}

export interface ModelVersionsTable {
  model: string;
  version: string;
  digest: string;
  bytes: number;
  /** JSON array of jurisdictions, or null for anywhere. */
  residency: string | null;
  /** JSON ModelSignature. */
  signature: string;
  /** JSON GoldenExample[]. */
  golden: string;
  created_at: string;
  created_by: string;
}

export interface RolloutsTable {
  id: Generated<number>;
  model: string;
  kind: string;
  from_version: string | null;
  to_version: string;
  status: string;
  reason: string | null;
  on_failure: string;
  /** JSON string[][]. */
  waves: string;
  replicas: number;
  /** JSON StrategySpec. */
  strategy: Generated<string>;
  /** JSON StrategyProgress; null until a strategy starts. */
  progress: string | null;
  created_at: string;
  updated_at: string;
  created_by: string;
}

export interface RolloutRegionsTable {
  rollout_id: number;
  region: string;
  wave: number;
  phase: string;
  /** The version this region served before the rollout (null: none). */
  previous_version: string | null;
  reason: string | null;
  error_code: string | null;
  /** JSON VerificationCheck[]. */
  checks: string;
  started_at: string | null;
  updated_at: string;
}

/** What version of each model serves in each region: the routing table's source. */
export interface PlacementsTable {
  model: string;
  region: string;
  version: string;
  replicas: number;
  /** JSON CandidateTraffic while a release strategy runs here; null otherwise. */
  candidate: string | null;
  updated_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  time: string;
  actor: string;
  kind: string;
  model: string | null;
  region: string | null;
  rollout_id: number | null;
  message: string;
  data: string | null;
}

export interface TrafficPoliciesTable {
  model: string;
  /** JSON RoutingPolicySpec. */
  policy: string;
  updated_at: string;
  updated_by: string;
}

export interface AnalysisRunsTable {
  id: Generated<number>;
  rollout_id: number;
  wave: number;
  step: number;
  step_label: string;
  region: string;
  result: string;
  window_from: string;
  window_to: string;
  /** JSON JudgeVerdictRecord[]. */
  verdicts: string;
  created_at: string;
}

export interface Database {
  analysis_runs: AnalysisRunsTable;
  tokens: TokensTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  rollouts: RolloutsTable;
  rollout_regions: RolloutRegionsTable;
  placements: PlacementsTable;
  events: EventsTable;
  traffic_policies: TrafficPoliciesTable;
}
