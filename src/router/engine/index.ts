// The forwarding engine's public surface, for the router server and its composition root.
export { Cancel } from './cancel.js';
export { ForwardingEngine, type EngineOptions } from './forwarding-engine.js';
export { ENGINE_DEFAULTS, resolveEngineSettings, type EngineSettings } from './settings.js';
export type { ClientSignal, ForwardAction, ForwardRequest, ForwardResult, OutputSample, SampledOutput } from './types.js';
