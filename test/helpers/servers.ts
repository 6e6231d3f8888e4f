import { SERVING_DEFAULTS } from '../../src/core/defaults.js';
import { silentLogger } from '../../src/core/log.js';
import { ModelServer, type ModelServerOptions } from '../../src/serving/model-server.js';

/** A real model server in this process on a free port, with test-friendly defaults. */
export function startModelServer(o: Partial<ModelServerOptions> & { modelPath: string; name: string }): Promise<ModelServer> {
  return ModelServer.start({
    version: 'v1',
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    intraOpThreads: 1,
    batching: {
      enabled: true,
      maxBatchSize: SERVING_DEFAULTS.maxBatchSize,
      maxQueueDelayMs: SERVING_DEFAULTS.maxQueueDelayMs,
      maxQueuedRequests: SERVING_DEFAULTS.maxQueuedRequests,
    },
    maxBodyBytes: SERVING_DEFAULTS.maxBodyBytes,
    drainTimeoutMs: 5000,
    logger: silentLogger,
    ...o,
  });
}
