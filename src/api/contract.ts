// The control plane's API contract: the types the API server, the CLI and the dashboard share.
// Clients import this file and never server internals. The records themselves are domain types
// (src/core/domain.ts), so the store can use them too without depending on the API layer.
export * from '../core/domain.js';
export type * from '../core/strategy.js';
export type { RolloutCommand } from '../rollout/service.js';
export type { SeriesLine, SeriesPoint } from '../rollout/sample-collector.js';
