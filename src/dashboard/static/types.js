// The API's shapes, for JSDoc. Records come from the API contract (src/api/contract.ts); the few
// below mirror what the strategies work adds (rollout strategy, progress, analysis, metrics) and
// are read defensively, since older control planes don't send them.

/** @typedef {import('../../api/contract.js').Role} Role */
/** @typedef {import('../../api/contract.js').RegionInfo} RegionInfo */
/** @typedef {import('../../api/contract.js').ModelVersionInfo} ModelVersionInfo */
/** @typedef {import('../../api/contract.js').ModelStatus} ModelStatus */
/** @typedef {import('../../api/contract.js').RegionStatus} RegionStatus */
/** @typedef {import('../../api/contract.js').RolloutRegion} RolloutRegion */
/** @typedef {import('../../api/contract.js').EventRecord} EventRecord */
/** @typedef {import('../../api/contract.js').ApiError} ApiErrorBody */
/** @typedef {import('../../core/routing-table.js').RoutingTable} RoutingTable */

/**
 * A rollout as the API sends it, with the strategy fields where the control plane has them.
 * @typedef {Omit<import('../../api/contract.js').Rollout, 'status'> & {
 *   status: string,
 *   strategy?: { type: string, [k: string]: unknown },
 *   progress?: Progress | null,
 * }} Rollout
 */

/**
 * @typedef {{ wave: number, doneWaves: number, step: number, stepStartedAt: string | null,
 *   paused: { reason: string, by: string } | null, promoteRequested: string | null, abortRequested: string | null }} Progress
 */

/**
 * @typedef {{ judge: string, result: string, reason: string, measured: Record<string, number | null>,
 *   thresholds: Record<string, number>, samples: { candidate: number, baseline: number } }} Verdict
 */

/**
 * @typedef {{ id: number, rolloutId: number, wave: number, step: number, stepLabel: string, region: string,
 *   result: string, from: string, to: string, verdicts: Verdict[], createdAt: string }} AnalysisRun
 */

/** @typedef {{ t: number, requests: number, errors: number, p50Ms: number | null, p99Ms: number | null }} SeriesPoint */
/** @typedef {{ region: string, version: string, mirror: boolean, points: SeriesPoint[] }} SeriesLine */
/** @typedef {{ model: string, bucketSeconds: number, lines: SeriesLine[] }} Metrics */

/** @typedef {{ name: string, role: Role }} WhoAmI */
/** @typedef {{ name: string, city: string, country: string, latitude: number, longitude: number }} Edge */

export {};
