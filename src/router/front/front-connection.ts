// One client connection on the raw front: bytes in, one request at a time parsed and handed to
// the router's handler, its response written in one socket write, then the next request
// (pipelined ones wait unparsed, answered in order). Listeners are installed once per connection,
// not per request. Anything the raw path does not handle goes, with the bytes read so far, to
// node:http, which then owns the connection; that is only ever done between requests.
import type { Socket } from 'node:net';
import { bodyTooLarge } from '../../core/http.js';
import type { FrontHandler } from './exchange.js';
import type { FrontSettings } from './front-options.js';
import type { ExchangeOwner, RawExchange } from './raw-exchange.js';
import { RequestReader } from './request-reader.js';
import { endAfterWrites, flushWrites, writeMessage } from '../engine/http1-write.js';
import { responseHead } from './response-bytes.js';

/** What a connection needs of its server. */
export interface ConnectionOwner {
  readonly handler: FrontHandler;
  readonly settings: FrontSettings;
  /** The Keep-Alive line of a persistent response (`keep-alive: timeout=5\r\n`). */
  readonly keepAliveLine: string;
  /** The server is closing: the response in flight closes its connection. */
  readonly closing: boolean;
  /** Gives the socket (its unread bytes pushed back) to node:http. */
  fallback(socket: Socket): void;
  /** Forgets a connection that closed or was handed over. */
  remove(c: FrontConnection): void;
}

/** Where a connection is. */
type Phase =
  /** Waiting for a request head: none of it yet, or part of it read. */
  | 'head'
  /** Gathering the body of the request in `ex` (its content-length). */
  | 'body'
  /** A request is with the handler (or its response waits to drain); what arrives meanwhile waits unparsed. */
  | 'busy'
  /** The last response is written and the socket ended; what still arrives is dropped. */
  | 'closing'
  /** Closed, or handed over to node:http. */
  | 'gone';

/** Pipelined bytes buffered behind a busy request before reading pauses (node:http stops parsing similarly). */
const PIPELINE_HIGH_WATER = 64 * 1024;
/** What node:http writes when a request takes too long to arrive. */
const REQUEST_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

export class FrontConnection implements ExchangeOwner {
  private phase: Phase = 'head';
  private readonly reader = new RequestReader();
  /** The request being read or with the handler. */
  private ex: RawExchange | undefined;
  private paused = false;
  /** Inside advance(): a response the handler writes at once lets the loop go on instead of recursing. */
  private advancing = false;
  /** Bytes moved (in or out) since the server's last sweep; see {@link sweep}. */
  private active = true;
  /** The sweep that first found the connection quiet (epoch ms). */
  private quietSince = 0;

  constructor(
    readonly socket: Socket,
    private readonly owner: ConnectionOwner,
  ) {
    // No socket.setTimeout(): node re-arms a socket's timer on every read and write (4 timer
    // refreshes per proxied request, ~1 µs); the server's sweep times keep-alive instead.
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** No request is being received or answered. */
  get idle(): boolean {
    return (this.phase === 'head' && this.reader.input.length === 0) || this.phase === 'closing';
  }

  destroy(): void {
    this.socket.destroy();
  }

  respond(ex: RawExchange, status: number, headers: Record<string, string>, body: Buffer | string): void {
    const s = this.socket;
    if (ex !== this.ex || this.phase !== 'busy' || !s.writable) return;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const persist = ex.keepAlive && !this.owner.closing;
    const head = responseHead(status, headers, length, persist, this.owner.keepAliveLine);
    this.ex = undefined;
    this.active = true;
    // RFC 9110 §9.3.2: a HEAD response carries the GET's headers, no body; nor do 204 and 304.
    const flushed = writeMessage(s, head, ex.method === 'HEAD' || status === 204 || status === 304 ? '' : body, length);
    if (!persist) return this.end();
    if (!flushed) {
      // A client that does not read: no further request is handled until it does.
      this.pause();
      s.once('drain', this.onDrain);
      return;
    }
    this.phase = 'head';
    this.resume();
    if (!this.advancing) this.advance();
  }

  drop(ex: RawExchange): void {
    if (ex === this.ex) this.socket.destroy();
  }

  /**
   * The keep-alive timeout, checked by the server every sweep period P rather than timed per read
   * and write: a connection between requests (or ending) on which nothing moved for
   * keepAliveTimeoutMs is destroyed, never sooner, at most 2 P later.
   */
  sweep(now: number): void {
    if (this.active) {
      this.active = false;
      this.quietSince = now;
    } else if ((this.phase === 'head' || this.phase === 'closing') && now - this.quietSince >= this.owner.settings.keepAliveTimeoutMs) {
      this.socket.destroy();
    }
  }

  /** Drops a client too slow to send its request: its head past headersTimeoutMs, all of it past requestTimeoutMs (node:http's slow-loris defence). */
  expire(now: number): void {
    const limit = this.phase === 'head' ? this.owner.settings.headersTimeoutMs : this.phase === 'body' ? this.owner.settings.requestTimeoutMs : 0;
    if (this.reader.since === 0 || limit === 0 || now - this.reader.since < limit) return;
    this.ex = undefined;
    this.end(REQUEST_TIMEOUT);
  }

  private readonly onData = (chunk: Buffer): void => {
    const phase = this.phase;
    this.active = true;
    if (phase === 'closing' || phase === 'gone') return;
    const input = this.reader.input;
    input.append(chunk);
    if (phase !== 'busy') return this.advance();
    if (input.length > PIPELINE_HIGH_WATER) this.pause();
  };

  /** Like node:http (httpAllowHalfOpen false): a client that stops sending gets no more answers; a request in flight is abandoned once the socket closes. */
  private readonly onEnd = (): void => {
    if (this.phase !== 'gone') this.end();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    const ex = this.ex;
    this.ex = undefined;
    this.phase = 'gone';
    this.reader.input.clear();
    this.owner.remove(this);
    if (ex !== undefined && !ex.sent) ex.abort();
  };

  private readonly onDrain = (): void => {
    if (this.phase !== 'busy' || this.ex !== undefined) return;
    this.phase = 'head';
    this.resume();
    this.advance();
  };

  private advance(): void {
    this.advancing = true;
    try {
      while (this.step());
    } finally {
      this.advancing = false;
    }
  }

  /** Reads as far as the bytes allow: a head, a body, a dispatch. True to go on (the handler answered at once). */
  private step(): boolean {
    let ex = this.ex;
    if (this.phase === 'head') {
      const next = this.reader.head(this);
      if (next === undefined) return false;
      if (next === 'fallback') return this.fallback();
      this.ex = ex = next;
      if (ex.contentLength > this.owner.settings.maxBodyBytes) return this.refuse(ex);
      this.phase = 'body';
    }
    if (this.phase !== 'body' || ex === undefined || !this.reader.body(ex)) return false;
    this.phase = 'busy';
    this.owner.handler.handle(ex, ex);
    // The handler may have answered at once (respond() then set 'head' and left the loop to us).
    return (this.phase as Phase) === 'head';
  }

  /** A body over the limit is not read: 413, and the connection closes after it (its framing is lost). */
  private refuse(ex: RawExchange): boolean {
    ex.keepAlive = false;
    this.phase = 'busy';
    this.reader.since = 0;
    this.owner.handler.fail(ex, bodyTooLarge(this.owner.settings.maxBodyBytes));
    return false;
  }

  /** Gives the connection to node:http with the bytes read so far: its parser answers what ours does not take. */
  private fallback(): boolean {
    const s = this.socket;
    this.phase = 'gone';
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('error', this.onError);
    s.off('close', this.onClose);
    const rest = this.reader.input.view();
    this.reader.input.clear();
    this.owner.remove(this);
    // node:http writes to the socket itself from now on: what the raw path queued goes first.
    flushWrites();
    // With no 'data' listener left the bytes wait in the stream's buffer; node:http's listener,
    // added synchronously by its 'connection' handler, reads them before anything newer.
    if (rest.length > 0) s.unshift(rest);
    this.owner.fallback(s);
    if (this.paused) s.resume();
    return false;
  }

  /** Ends the socket after what was written; what still arrives is dropped until the client closes (or the keep-alive timeout). */
  private end(last?: string): void {
    this.phase = 'closing';
    this.active = true;
    this.reader.input.clear();
    this.resume();
    endAfterWrites(this.socket, last);
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }
}
