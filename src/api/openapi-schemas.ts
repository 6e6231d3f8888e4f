// JSON Schemas (OpenAPI 3.1 dialect) of the API's records. `record<T>()` takes one schema per field
// of the TypeScript interface and no other, so adding a field to a domain type without describing
// it here fails to compile: the document cannot drift from the contract silently.
import type {
  ApiError,
  CreatedToken,
  DeployRequest,
  EventRecord,
  ModelStatus,
  ModelVersionInfo,
  PushResult,
  RegionInfo,
  RegionStatus,
  Rollout,
  RolloutRegion,
  TensorInfo,
  TokenInfo,
  VerificationCheck,
} from '../core/domain.js';
import type { AnalysisRun, StrategyProgress } from '../core/strategy.js';
import type { CreateTokenRequest, RollbackRequest, WhoAmI } from './requests.js';

export type Schema = Record<string, unknown>;

const str = (description?: string): Schema => (description === undefined ? { type: 'string' } : { type: 'string', description });
const int = (description?: string, minimum?: number): Schema => ({ type: 'integer', ...(description !== undefined && { description }), ...(minimum !== undefined && { minimum }) });
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullable = (s: Schema): Schema => ({ oneOf: [s, { type: 'null' }] });
const list = (items: Schema): Schema => ({ type: 'array', items });
const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** An object schema with exactly the fields of T; `optional` lists those that may be absent. */
function record<T>(properties: { [K in keyof Required<T>]: Schema }, optional: (keyof T)[] = []): Schema {
  const keys = Object.keys(properties);
  return { type: 'object', additionalProperties: false, properties, required: keys.filter((k) => !optional.includes(k as keyof T)) };
}

const ROLE = oneOf('viewer', 'deployer', 'admin');
const ON_FAILURE = oneOf('halt', 'rollback');
const NAME: Schema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' };

export const schemas: Record<string, Schema> = {
  RoutingTable: {
    type: 'object',
    description: 'See src/core/routing-table.ts: revision, generatedAt, models{name: {policy, residency, regions[{region, latitude, longitude, jurisdiction, country, continent, versions[{version, weight, endpoints[{id, zone, url}]}], stickyHeader?, mirror?}]}}',
    required: ['revision', 'generatedAt', 'models'],
    properties: { revision: { type: 'integer' }, generatedAt: { type: 'string', format: 'date-time' }, models: { type: 'object' } },
  },
  RoutingPolicy: {
    oneOf: [
      { type: 'object', required: ['type'], properties: { type: { const: 'latency' } } },
      { type: 'object', required: ['type'], properties: { type: { const: 'geoproximity' }, bias: { type: 'object', additionalProperties: { type: 'integer', minimum: -99, maximum: 99 } } } },
      { type: 'object', required: ['type', 'rules'], properties: { type: { const: 'geolocation' }, rules: { type: 'array', items: { type: 'object', required: ['match', 'regions'], properties: { match: { type: 'string', description: 'country:DE, continent:EU or *' }, regions: { type: 'array', items: { type: 'string' } } } } } } },
      { type: 'object', required: ['type', 'weights'], properties: { type: { const: 'weighted' }, weights: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } } },
      { type: 'object', required: ['type', 'order'], properties: { type: { const: 'failover' }, order: { type: 'array', items: { type: 'string' } } } },
    ],
  },
  DrillRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['region', 'mode'],
    properties: { region: { type: 'string' }, zone: { type: 'string' }, replicaId: { type: 'string' }, mode: { type: 'string', enum: ['kill', 'freeze', 'restore'] } },
  },
  Error: record<ApiError>({ error: str('what went wrong and what to do'), code: str('stable code, e.g. UNAUTHENTICATED, RESIDENCY_VIOLATION') }),
  Health: { type: 'object', properties: { ok: { const: true } }, required: ['ok'] },
  WhoAmI: record<WhoAmI>({ name: str(), role: ROLE }),
  RegionInfo: record<RegionInfo>({ code: str(), provider: oneOf('aws', 'gcp', 'azure'), city: str(), country: str('ISO 3166-1 alpha-2'), continent: str(), jurisdiction: str(), latitude: num, longitude: num, zones: list(str()) }),
  TensorInfo: record<TensorInfo>({ name: str(), datatype: str(), shape: list(int()) }),
  ModelVersionInfo: record<ModelVersionInfo>({
    model: NAME,
    version: NAME,
    digest: str('sha256 of the artifact bytes, hex'),
    bytes: int(undefined, 0),
    residency: nullable(list(str())),
    inputs: list(ref('TensorInfo')),
    outputs: list(ref('TensorInfo')),
    goldenExamples: int(undefined, 0),
    createdAt: time,
    createdBy: str(),
  }),
  PushResult: record<PushResult>({ created: { type: 'boolean', description: 'false when identical bytes were pushed before' }, version: ref('ModelVersionInfo') }),
  VerificationCheck: record<VerificationCheck>({ name: oneOf('ready', 'golden', 'latency'), ok: bool, skipped: bool, detail: str() }, ['skipped']),
  RolloutRegion: record<RolloutRegion>({
    region: str(),
    wave: int('0-based wave index', 0),
    phase: oneOf('pending', 'replicating', 'provisioning', 'verifying', 'verified', 'failed', 'rolling_back', 'rolled_back', 'skipped'),
    reason: nullable(str()),
    errorCode: nullable(str()),
    startedAt: nullable(time),
    updatedAt: time,
    checks: list(ref('VerificationCheck')),
  }),
  Rollout: record<Rollout>({
    id: int(undefined, 1),
    model: NAME,
    kind: oneOf('deploy', 'rollback'),
    fromVersion: nullable(str()),
    toVersion: str(),
    status: oneOf('pending', 'running', 'paused', 'succeeded', 'halted', 'rolled_back', 'aborted'),
    reason: nullable(str()),
    onFailure: ON_FAILURE,
    waves: list(list(str())),
    replicas: int(undefined, 1),
    regions: list(ref('RolloutRegion')),
    strategy: ref('StrategySpec'),
    progress: nullable(ref('StrategyProgress')),
    createdAt: time,
    updatedAt: time,
    createdBy: str(),
  }),
  DeployRequest: record<DeployRequest>(
    { version: NAME, regions: { ...list(str()), minItems: 1 }, waves: { ...list(list(str())), description: 'explicit waves; exactly the regions of `regions`' }, parallel: int('regions per wave when `waves` is absent', 1), onFailure: ON_FAILURE, replicas: int(undefined, 1), strategy: ref('StrategySpec') },
    ['waves', 'parallel', 'onFailure', 'replicas', 'strategy'],
  ),
  StrategySpec: {
    description: 'How traffic moves to the new version inside each wave; absent = all-at-once',
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'all-at-once' } } },
      {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {
          type: { const: 'canary' },
          steps: { ...list({ type: 'object', additionalProperties: false, required: ['weight'], properties: { weight: { type: 'number', exclusiveMinimum: 0, maximum: 100 }, bakeSeconds: { type: 'number', minimum: 0 } } }), description: 'default 5%, 25%, 50% (30 s each), then 100%' },
          analysis: { type: 'object', additionalProperties: num, description: 'judge threshold overrides' },
          stickyHeader: str('keep a client on one version by this header'),
        },
      },
      { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'blue-green' }, shadowPercent: num, shadowSeconds: num, rollbackWindowSeconds: num, analysis: { type: 'object', additionalProperties: num } } },
      { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'shadow' }, percent: num, durationSeconds: num, autoPromote: bool, analysis: { type: 'object', additionalProperties: num } } },
    ],
  },
  StrategyProgress: record<StrategyProgress>({
    wave: int('wave whose strategy runs; -1 none'),
    doneWaves: int('waves whose strategy finished', 0),
    step: int('index of the current step', 0),
    stepStartedAt: nullable(time),
    paused: nullable({ type: 'object', properties: { reason: str(), by: str() } }),
    promoteRequested: nullable(str('who asked')),
    abortRequested: nullable(str('who asked')),
  }),
  AnalysisRun: record<AnalysisRun>({
    id: int(undefined, 1),
    rolloutId: int(undefined, 1),
    wave: int(undefined, 0),
    step: int(undefined, 0),
    stepLabel: str('e.g. canary 25%'),
    region: str(),
    result: oneOf('pass', 'fail', 'inconclusive'),
    from: time,
    to: time,
    verdicts: list({
      type: 'object',
      properties: { judge: str(), result: oneOf('pass', 'fail', 'inconclusive'), reason: str(), measured: { type: 'object' }, thresholds: { type: 'object' }, samples: { type: 'object', properties: { candidate: int(), baseline: int() } } },
    }),
    createdAt: time,
  }),
  MetricsSeries: {
    type: 'object',
    properties: {
      model: NAME,
      bucketSeconds: int(undefined, 1),
      lines: list({
        type: 'object',
        properties: {
          region: str(),
          version: str(),
          mirror: bool,
          points: list({ type: 'object', properties: { t: int('bucket start, epoch ms'), requests: int(), errors: int(), p50Ms: nullable(num), p99Ms: nullable(num) } }),
        },
      }),
    },
  },
  RollbackRequest: record<RollbackRequest>({ regions: { ...list(str()), description: 'default: every region where the model runs' }, parallel: int(undefined, 1), onFailure: ON_FAILURE }, ['regions', 'parallel', 'onFailure']),
  RegionStatus: record<RegionStatus>({
    region: str(),
    version: str(),
    phase: str(),
    replicasReady: int(undefined, 0),
    replicasDesired: int(undefined, 0),
    health: oneOf('healthy', 'degraded', 'down', 'unknown'),
    trafficShare: { type: 'number', minimum: 0, maximum: 1 },
    candidate: nullable({ type: 'object', description: 'a release strategy\'s candidate here', properties: { version: str(), weight: { type: 'number', minimum: 0, maximum: 1 }, mirrorPercent: num, stickyHeader: str() } }),
  }),
  ModelStatus: record<ModelStatus>({ model: NAME, currentVersion: nullable(str()), previousVersion: nullable(str()), regions: list(ref('RegionStatus')), activeRollout: nullable(int()) }),
  EventRecord: record<EventRecord>({
    id: int(undefined, 1),
    time,
    actor: str(),
    kind: str('e.g. rollout.created, region.verifying, traffic.routed'),
    model: nullable(str()),
    region: nullable(str()),
    rolloutId: nullable(int()),
    message: str(),
    data: nullable({ type: 'object' }),
  }),
  TokenInfo: record<TokenInfo>({ id: int(undefined, 1), name: str(), role: ROLE, createdAt: time }),
  CreatedToken: record<CreatedToken>({ id: int(undefined, 1), name: str(), role: ROLE, createdAt: time, token: str('shown once; only its hash is stored') }),
  CreateTokenRequest: record<CreateTokenRequest>({ name: { type: 'string', minLength: 1, maxLength: 64 }, role: ROLE }),
};
