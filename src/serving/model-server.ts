// The model server: an HTTP listener speaking OIP v2 REST in front of a pool of inference workers
// with a dynamic batcher. It listens first (liveness answers while the model loads), then loads
// and warms up the model in every worker, and only then reports ready — as Triton does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeridianError, messageOf } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Batcher, type BatchingOptions } from './batcher.js';
import { createOipHandler, type ServerPhase } from './oip-routes.js';
import { rawBodyOf } from './raw-body.js';
import { createServingMetrics, type ServingMetrics } from './serving-metrics.js';
import { elementCount, type ModelSignature } from './signature.js';
import { WorkerPool } from './worker-pool.js';

export interface ModelServerOptions {
  modelPath: string;
  name: string;
  version: string;
  host: string;
  port: number;
  workers: number;
  intraOpThreads: number;
  batching: BatchingOptions;
  maxBodyBytes: number;
  drainTimeoutMs: number;
  logger: Logger;
}

export const SERVER_NAME = 'meridian';
export const SERVER_VERSION = '0.1.0';

export class ModelServer {
  private phase: ServerPhase = 'loading';
  private pool: WorkerPool | undefined;
  private batcher: Batcher | undefined;
  readonly metrics: ServingMetrics = createServingMetrics();
  private inFlight = 0;

  private constructor(
    private readonly opts: ModelServerOptions,
    private readonly server: Server,
  ) {}

  /** Listens, loads the model into every worker, warms it up, then reports ready. */
  static async start(opts: ModelServerOptions): Promise<ModelServer> {
    const server = createServer({ keepAliveTimeout: 65_000 });
    const ms = new ModelServer(opts, server);
    const labels = { model: opts.name, version: opts.version };
    ms.metrics.ready.set(labels, 0);
    const handle = createOipHandler({
      serverName: SERVER_NAME,
      serverVersion: SERVER_VERSION,
      model: { name: opts.name, version: opts.version },
      phase: () => ms.phase,
      signature: () => ms.pool?.signature,
      batcher: () => ms.batcher,
      metrics: ms.metrics,
      maxBodyBytes: opts.maxBodyBytes,
      logger: opts.logger,
    });
    server.on('request', (req, res) => {
      ms.inFlight++;
      res.once('close', () => {
        ms.inFlight--;
      });
      if (ms.phase === 'draining') res.setHeader('connection', 'close');
      handle(req, res).catch((e: unknown) => {
        opts.logger.log('error', 'request.unhandled', { error: messageOf(e) });
        res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    opts.logger.log('info', 'server.listening', { port: ms.port, host: opts.host });
    try {
      const init = { modelPath: opts.modelPath, intraOpThreads: opts.intraOpThreads, model: { name: opts.name, version: opts.version }, maxBatchSize: opts.batching.maxBatchSize, batching: opts.batching.enabled };
      ms.pool = await WorkerPool.start(init, opts.workers);
      await ms.warmUp(ms.pool);
      ms.batcher = new Batcher(ms.pool, ms.pool.signature, opts.batching, (run) => {
        ms.metrics.executions.inc(labels);
        ms.metrics.batchSize.observe(labels, run.rows);
        ms.metrics.computeDuration.observe(labels, run.computeMs / 1000);
      });
    } catch (e) {
      await ms.close();
      throw e;
    }
    ms.phase = 'ready';
    ms.metrics.ready.set(labels, 1);
    return ms;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${this.port}`;
  }

  get signature(): ModelSignature | undefined {
    return this.pool?.signature;
  }

  /**
   * One inference request per worker, through the path real requests take (decode, run, encode),
   * with zero-filled inputs (variable dimensions set to 1), so the first real request does not pay
   * for lazy initialisation.
   */
  private async warmUp(pool: WorkerPool): Promise<void> {
    const inputs = pool.signature.inputs.map((i) => {
      const shape = i.shape.map((d) => (d < 0 ? 1 : d));
      return { name: i.name, datatype: i.datatype, shape, data: new Array<boolean | number>(elementCount(shape)).fill(i.datatype === 'BOOL' ? false : 0) };
    });
    const body = Buffer.from(JSON.stringify({ id: 'warm-up', inputs }));
    const results = await Promise.all(Array.from({ length: pool.size }, () => pool.infer([rawBodyOf(body)])));
    const failed = results.flatMap((r) => r.failures)[0];
    if (failed !== undefined) throw new MeridianError(failed.code, `warm-up inference failed: ${failed.message}`);
  }

  /**
   * Stops taking new requests, waits for in-flight ones (up to drainTimeoutMs), then closes.
   * New requests during the drain get 503 so a router retries them elsewhere.
   */
  async drain(): Promise<void> {
    this.phase = 'draining';
    this.metrics.ready.set({ model: this.opts.name, version: this.opts.version }, 0);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = performance.now() + this.opts.drainTimeoutMs;
    while (this.inFlight > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    this.server.closeAllConnections();
    await closed;
    await this.pool?.close();
  }

  /** Immediate stop (tests, failed start). */
  async close(): Promise<void> {
    this.phase = 'draining';
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.pool?.close();
  }
}
