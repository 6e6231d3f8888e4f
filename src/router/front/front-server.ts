// The router's listening socket: a net.Server whose connections the raw HTTP/1.1 front serves
// (front-connection.ts), with a node:http Server kept beside it, never listening, that is handed
// any connection whose next request the raw path does not take. node:http's server side
// (IncomingMessage, ServerResponse, header maps, _storeHeader) cost the router a large share of
// its CPU per request; the raw path keeps only what the router's requests need.
import { createServer, type Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'node:net';
import type { FrontHandler } from './exchange.js';
import { FrontConnection, type ConnectionOwner } from './front-connection.js';
import { frontSettings, type FrontOptions, type FrontSettings } from './front-options.js';
import { flushWrites } from '../engine/http1-write.js';
import { nodeListener } from './node-exchange.js';

export class FrontServer extends Server implements ConnectionOwner {
  readonly settings: FrontSettings;
  readonly keepAliveLine: string;
  closing = false;
  private readonly node: HttpServer;
  private readonly live = new Set<FrontConnection>();
  private checker: NodeJS.Timeout | undefined;
  /** Slow requests are checked every this many sweeps (every checkIntervalMs). */
  private expireEvery = 1;
  private sweeps = 0;

  /** @throws MeridianError `INVALID_ARGUMENT` for a bad option. */
  constructor(
    readonly handler: FrontHandler,
    options: FrontOptions,
  ) {
    // allowHalfOpen and noDelay as node:http's own server has them: the fallback expects its sockets so.
    super({ allowHalfOpen: true, noDelay: true });
    const s = (this.settings = frontSettings(options));
    const seconds = Math.floor(s.keepAliveTimeoutMs / 1000);
    this.keepAliveLine = seconds > 0 ? `keep-alive: timeout=${seconds}\r\n` : '';
    this.node = createServer({ keepAliveTimeout: s.keepAliveTimeoutMs, headersTimeout: s.headersTimeoutMs, requestTimeout: s.requestTimeoutMs, connectionsCheckingInterval: s.checkIntervalMs, noDelay: true }, nodeListener(handler, s.maxBodyBytes));
    this.on('connection', (socket: Socket) => {
      this.live.add(new FrontConnection(socket, this));
    });
    this.on('listening', () => {
      // node:http starts tracking its connections (closeIdleConnections, closeAllConnections, its
      // headers and request timeouts) on its own 'listening' event; it never listens here.
      this.node.emit('listening');
      clearInterval(this.checker);
      const period = sweepPeriodMs(s);
      this.expireEvery = Math.max(1, Math.round(s.checkIntervalMs / period));
      this.checker = setInterval(() => this.check(), period).unref();
    });
  }

  /** Stops accepting, closes idle connections now and the others after their response in flight; `callback` once all are closed. */
  override close(callback?: (err?: Error) => void): this {
    this.closing = true;
    clearInterval(this.checker);
    super.close(callback);
    this.closeIdleConnections();
    // node:http's close() closes its idle connections and stops its timeout checks; it has no socket of its own.
    this.node.close();
    return this;
  }

  /** Closes every connection with no request being received or answered (raw and node:http ones). */
  closeIdleConnections(): void {
    // A connection whose answer is queued (http1-write.ts) looks idle: the answer goes out first.
    flushWrites();
    for (const c of this.live) if (c.idle) c.destroy();
    this.node.closeIdleConnections();
  }

  closeAllConnections(): void {
    flushWrites();
    for (const c of this.live) c.destroy();
    this.node.closeAllConnections();
  }

  fallback(socket: Socket): void {
    this.node.emit('connection', socket);
  }

  remove(c: FrontConnection): void {
    this.live.delete(c);
  }

  /** Every sweep: keep-alive timeouts; every checkIntervalMs: slow requests (node:http's own cadence for those). */
  private check(): void {
    const now = Date.now();
    const expire = ++this.sweeps % this.expireEvery === 0;
    for (const c of this.live) {
      c.sweep(now);
      if (expire) c.expire(now);
    }
  }
}

/** How often idle connections are looked at: a fifth of the keep-alive timeout, 10 ms to 1 s (so a 5 s timeout closes within 5–7 s). */
function sweepPeriodMs(s: FrontSettings): number {
  return Math.max(10, Math.min(1000, Math.floor(s.keepAliveTimeoutMs / 5), s.checkIntervalMs));
}
