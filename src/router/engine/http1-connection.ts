// One keep-alive connection to an upstream: a socket that carries one request at a time, the
// parser of its responses, and its listeners, installed once per connection so that a request
// adds none (node:http's ClientRequest installs and removes its socket listeners per request).
// The request in flight lives in `ex`; every way it can end (response, server close, socket
// error, cancel, close()) clears `ex` first, so it is settled exactly once.
import type { Socket } from 'node:net';
import type { Cancel } from './cancel.js';
import { ResponseError } from './http1-head.js';
import { ResponseParser } from './http1-response.js';
import { writeMessage } from './http1-write.js';
import type { UpstreamResponse } from './types.js';
import { UpstreamError, toUpstreamError } from './upstream-error.js';

/** One request in flight: what a connection needs to send and settle it, or to hand it to another connection. */
export interface Exchange {
  head: string;
  body: Buffer | undefined;
  /** A HEAD request: its response has no body whatever its headers say. */
  noBody: boolean;
  cancel: Cancel;
  /** The endpoint's id, for error messages. */
  endpointId: string;
  /** Set once it was sent again after a keep-alive race: it never is twice. */
  retried: boolean;
  resolve(res: UpstreamResponse): void;
  reject(e: UpstreamError): void;
}

/** What a connection needs of its pool. */
export interface ConnectionOwner {
  /** The origin's host[:port], for error messages. */
  readonly host: string;
  readonly maxResponseBytes: number;
  readonly idleMs: number;
  /** Takes the connection back as idle. */
  release(c: Connection): void;
  /** Forgets a closed connection. */
  remove(c: Connection): void;
  /** Sends `ex` again on a new connection. */
  retry(ex: Exchange): void;
}

/** Where a connection is in its life. */
export type Phase =
  /** Carrying a request: connecting, writing it or reading its response. */
  | 'busy'
  /** In its pool waiting for the next request: unref'd, its idle timeout running. */
  | 'idle'
  /** Destroyed: never used again. */
  | 'closed';

/** Kept below a server's advertised keep-alive timeout, so that we close an idle connection before it does (undici keeps 2 s). */
const HINT_MARGIN_MS = 1000;
/** The server closed the connection before the response was complete. */
const CLOSED: unique symbol = Symbol('closed');

export class Connection {
  phase: Phase = 'busy';
  private ex: Exchange | undefined;
  private readonly parser = new ResponseParser();
  /** The request in flight is not the socket's first, so it may meet a keep-alive close race. */
  private reused = false;
  /** Some byte of the response to the request in flight arrived. */
  private answered = false;
  /** How long it may stay idle in its pool: the pool's idleMs, shortened by the server's Keep-Alive hint. */
  idleMs: number;
  /** When it last went idle (epoch ms); its pool's sweep closes it once idle for idleMs. */
  idleSince = 0;
  /** The last Keep-Alive header applied: node:http servers send the same one on every response. */
  private hint: string | undefined;

  constructor(
    readonly socket: Socket,
    private readonly pool: ConnectionOwner,
  ) {
    this.idleMs = pool.idleMs;
    // Bytes arrive through read(), the socket's `onread` callback (http1-pool.ts), not 'data'
    // events. No socket.setTimeout(): node re-arms it on every read and write; the pool's sweep
    // closes idle connections instead (while busy, the engine times requests).
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Writes the request (with its body, in one write) and reads its response. */
  send(ex: Exchange): void {
    this.ex = ex;
    this.answered = false;
    this.parser.start(ex.noBody, this.pool.maxResponseBytes);
    if (this.phase === 'idle') {
      this.reused = true;
      this.socket.ref();
    }
    this.phase = 'busy';
    writeMessage(this.socket, ex.head, ex.body, ex.body?.length ?? 0);
    ex.cancel.on(this.onAbort);
  }

  /** Destroys the socket; a request in flight fails with `reset`, not retried (the router is shutting the pool down). */
  close(): void {
    const ex = this.ex;
    this.ex = undefined;
    this.destroy();
    if (ex !== undefined) this.settle(ex, new UpstreamError('reset', `${this.where(ex)}: the connection was closed by the router`));
  }

  /** A chunk of the response, the connection's own (not a view of a shared read buffer). */
  read(chunk: Buffer): void {
    // Bytes on an idle connection (a 408 before the server closes, say) leave it in an unknown state.
    if (this.ex === undefined) return this.destroy();
    this.answered = true;
    let done: boolean;
    try {
      done = this.parser.feed(chunk);
    } catch (e) {
      return this.fail(e);
    }
    if (done) this.complete();
  }

  private readonly onEnd = (): void => {
    if (this.ex === undefined) return this.destroy();
    if (this.parser.finish()) this.complete();
    else this.fail(CLOSED);
  };

  private readonly onError = (e: Error): void => this.fail(e);

  private readonly onClose = (): void => (this.ex !== undefined ? this.fail(CLOSED) : this.destroy());

  /** The attempt was abandoned: its socket may be mid-response, so it is destroyed, never pooled. */
  private readonly onAbort = (): void => {
    const ex = this.ex;
    if (ex === undefined) return;
    this.ex = undefined;
    this.destroy();
    ex.reject(ex.cancel.reason ?? new UpstreamError('aborted', `${this.where(ex)}: abandoned`));
  };

  private complete(): void {
    const ex = this.ex!;
    this.ex = undefined;
    ex.cancel.off(this.onAbort);
    const p = this.parser;
    const res: UpstreamResponse = { status: p.head.status, headers: p.head.headers, body: p.body() };
    if (p.keepAlive && this.keepFor(p.head.keepAlive)) this.pool.release(this);
    else this.destroy();
    ex.resolve(res);
  }

  private fail(e: unknown): void {
    const ex = this.ex;
    this.ex = undefined;
    this.destroy();
    if (ex === undefined) return; // an idle connection that broke: dropped silently
    // A server may close an idle keep-alive connection just as our request is on its way (node:http
    // servers do after keepAliveTimeout); the request then dies unanswered. Sending it once more on
    // a new connection is safe only when it cannot have been processed: nothing came back, and the
    // connection had served a response before (a fresh connection that resets is the server's
    // failure to report). RFC 9112 §9.3.1 allows retrying a non-idempotent method when the request
    // semantics are idempotent, and OIP inference is (a pure function of its inputs). node's Agent
    // does not retry; without it the race would count against the endpoint as a `reset`.
    if (this.reused && !this.answered && !ex.retried && ex.cancel.reason === undefined && (e === CLOSED || isReset(e))) {
      ex.retried = true;
      ex.cancel.off(this.onAbort);
      this.pool.retry(ex);
      return;
    }
    this.settle(ex, e);
  }

  private settle(ex: Exchange, e: unknown): void {
    ex.cancel.off(this.onAbort);
    const where = this.where(ex);
    let err = e;
    if (e === CLOSED) err = new UpstreamError('reset', `${where} closed the connection before a complete response`);
    else if (e instanceof ResponseError) {
      err = e.tooLarge ? new UpstreamError('too_large', `${where} sent more than ${this.pool.maxResponseBytes} bytes`) : new UpstreamError('network', `${where}: malformed response: ${e.message}`);
    }
    ex.reject(toUpstreamError(err, where, ex.cancel));
  }

  /** Applies the server's Keep-Alive hint (`timeout=N`, RFC 2068 §19.7.1.1); false when it leaves no idle time at all. */
  private keepFor(hint: string | undefined): boolean {
    if (hint !== undefined && hint !== this.hint) {
      this.hint = hint;
      const m = /timeout\s*=\s*(\d+)/i.exec(hint);
      const ms = m === null ? this.pool.idleMs : Math.min(this.pool.idleMs, Number(m[1]) * 1000 - HINT_MARGIN_MS);
      this.idleMs = ms;
    }
    return this.idleMs > 0;
  }

  private destroy(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.pool.remove(this);
    this.socket.destroy();
  }

  private where(ex: Exchange): string {
    return `${ex.endpointId} (${this.pool.host})`;
  }
}

function isReset(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
