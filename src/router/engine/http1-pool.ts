// The router's HTTP/1.1 client for `http:` endpoints: keep-alive connections over node:net, pooled
// per origin. It replaces node:http's client, whose machinery (ClientRequest, Agent.addRequest,
// IncomingMessage, header objects) was a large share of the router's CPU per request; this one
// writes a request in one socket write and parses the response from one latin1 string.
// Connections per origin are not limited: the engine already bounds requests in flight.
import { connect } from 'node:net';
import type { Cancel } from './cancel.js';
import { Connection, type ConnectionOwner, type Exchange } from './http1-connection.js';
import { requestHead } from './http1-request.js';
import type { UpstreamRequest, UpstreamResponse } from './types.js';
import { toUpstreamError } from './upstream-error.js';

/**
 * How long an idle connection is kept: below node:http's default server keepAliveTimeout (5 s),
 * so that the router, not the server, closes it and requests rarely meet a closing connection.
 * A server's own `Keep-Alive: timeout=N` shortens it (http1-connection.ts).
 */
export const IDLE_MS = 4000;
/** Idle connections are looked at this often at most (a quarter of idleMs when shorter): a 4 s idle timeout closes within 4–4.25 s, before node's 5 s. */
const SWEEP_MS = 250;
/**
 * Every upstream socket reads into this one buffer (net's `onread`), and read() gets a copy of
 * the bytes: that skips the Readable stream machinery ('data' events, push) on every response.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** TCP keep-alive probes on pooled sockets (node's Agent default keepAliveMsecs): a replica whose host vanished without a FIN is noticed. */
const TCP_KEEPALIVE_MS = 1000;

/** What the client needs of an endpoint URL, parsed once per endpoint (transport.ts). */
export interface Http1Origin {
  hostname: string;
  port: number | undefined;
  /** host[:port] as in the URL: the Host header, the pool's key and the name in error messages. */
  host: string;
  /** The URL's path without trailing slashes, put before each request's path. */
  prefix: string;
}

/** The connections to one origin: idle ones (reused last-in first-out: the warmest) and all of them. */
class OriginPool implements ConnectionOwner {
  readonly host: string;
  readonly maxResponseBytes: number;
  readonly idleMs: number;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(
    private readonly client: Http1Client,
    private readonly origin: Http1Origin,
  ) {
    this.host = origin.host;
    this.maxResponseBytes = client.maxResponseBytes;
    this.idleMs = client.idleMs;
  }

  /** The most recently idled live connection, else a new one. */
  acquire(): Connection {
    for (let c = this.idle.pop(); c !== undefined; c = this.idle.pop()) {
      if (c.socket.writable) return c;
      c.close(); // ended or errored, its events not yet delivered
    }
    return this.connect();
  }

  connect(): Connection {
    const o = this.origin;
    // The socket needs its onread before the connection that reads it exists.
    const to: { c?: Connection } = {};
    const onread = {
      buffer: READ_BUFFER,
      callback: (n: number, buf: Uint8Array): boolean => {
        const chunk = Buffer.allocUnsafe(n);
        chunk.set(buf.subarray(0, n));
        to.c!.read(chunk);
        return true;
      },
    };
    const socket = connect({ host: o.hostname, port: o.port ?? 80, noDelay: true, keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_MS, onread });
    const c = (to.c = new Connection(socket, this));
    this.all.add(c);
    return c;
  }

  release(c: Connection): void {
    c.phase = 'idle';
    c.idleSince = Date.now();
    // An idle pool must never keep the process alive; send() refs the socket again.
    c.socket.unref();
    this.idle.push(c);
  }

  /** Closes the connections idle for their idleMs or longer. */
  sweep(now: number): void {
    const idle = this.idle;
    for (let i = idle.length - 1; i >= 0; i--) {
      const c = idle[i]!;
      if (now - c.idleSince >= c.idleMs) c.close(); // remove() takes it out of `idle`
    }
  }

  remove(c: Connection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.all.size === 0) this.client.forget(this.origin.host, this);
  }

  retry(ex: Exchange): void {
    // Through the client: this pool may have just been forgotten with its last connection.
    this.client.pool(this.origin).connect().send(ex);
  }

  close(): void {
    for (const c of this.all) c.close();
  }
}

/** HTTP/1.1 requests over pooled keep-alive connections; `close()` destroys every connection. */
export class Http1Client {
  private readonly pools = new Map<string, OriginPool>();
  private sweeper: NodeJS.Timeout | undefined;

  /** Responses over `maxResponseBytes` fail with `too_large`; connections idle for `idleMs` are closed. */
  constructor(
    readonly maxResponseBytes: number,
    readonly idleMs = IDLE_MS,
  ) {}

  /** Sends `req` to the origin; rejects with an UpstreamError, or with `cancel`'s reason once it aborts. */
  request(o: Http1Origin, req: UpstreamRequest, cancel: Cancel): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      const already = cancel.reason;
      if (already !== undefined) return reject(already);
      const { method, body } = req;
      let head: string;
      try {
        // A POST without a body still says so (content-length: 0), as node:http does.
        head = requestHead(method, o.prefix + req.path, o.host, req.headers, body !== undefined ? body.length : method === 'GET' || method === 'HEAD' ? undefined : 0);
      } catch (e) {
        return reject(toUpstreamError(e, `${req.target.endpoint.id} (${o.host})`));
      }
      const ex: Exchange = { head, body, noBody: method === 'HEAD', cancel, endpointId: req.target.endpoint.id, retried: false, resolve, reject };
      this.pool(o).acquire().send(ex);
    });
  }

  /** The origin's pool, created on first use. */
  pool(o: Http1Origin): OriginPool {
    let p = this.pools.get(o.host);
    if (p === undefined) {
      this.pools.set(o.host, (p = new OriginPool(this, o)));
      this.watchIdle();
    }
    return p;
  }

  /** Drops a pool whose last connection closed (endpoints come and go with the routing table). */
  forget(host: string, p: OriginPool): void {
    if (this.pools.get(host) === p) this.pools.delete(host);
  }

  /** Starts the idle sweep with the first pool, if it is not running (it stops itself once no pool is left). */
  private watchIdle(): void {
    if (this.sweeper !== undefined) return;
    // Unref'd: an idle pool never keeps the process alive.
    this.sweeper = setInterval(() => this.sweep(), Math.max(1, Math.min(SWEEP_MS, Math.floor(this.idleMs / 4)))).unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (const p of this.pools.values()) p.sweep(now);
    if (this.pools.size === 0) this.stopSweep();
  }

  private stopSweep(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Destroys every connection; requests in flight fail with `reset`. */
  close(): void {
    this.stopSweep();
    for (const p of this.pools.values()) p.close();
    this.pools.clear();
  }
}
