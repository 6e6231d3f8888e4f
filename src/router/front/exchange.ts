// What the router's request handling sees of one request and its response, whichever front parsed
// it: the raw HTTP/1.1 front (front-connection.ts) on the hot path, or node:http for anything
// unusual (node-exchange.ts). Both adapt to these few fields, so the handler behaves the same on
// either and never touches IncomingMessage or ServerResponse.
import type { ClientSignal } from '../engine/types.js';

/** Request headers: names in lower case; a name node:http would give as an array may be one. */
export type FrontHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface FrontRequest {
  readonly method: string;
  /** The request-target as sent: path and query. */
  readonly url: string;
  readonly headers: FrontHeaders;
  /** The peer's address (undefined once the socket is gone). */
  readonly remoteAddress: string | undefined;
  /** The whole body of a POST (empty when none was sent); undefined for GET and HEAD. */
  readonly body: Buffer | undefined;
  /** Aborted when the client goes away before its response is written. */
  readonly gone: ClientSignal;
}

export interface FrontResponse {
  /** A response was written (or the front gave up on this one). */
  readonly sent: boolean;
  /**
   * Writes the whole response; the front adds content-length, date and the connection's framing
   * headers, and drops the body of a HEAD response. `headers` names are in lower case.
   * @throws Error before anything is written, for a header value that would split the message.
   */
  send(status: number, headers: Record<string, string>, body: Buffer | string): void;
  /** Drops the connection without a (further) response. */
  destroy(): void;
}

/** The router's side: both fronts call these. */
export interface FrontHandler {
  /** Answers one request: calls `res.send` once, or `res.destroy`. */
  handle(req: FrontRequest, res: FrontResponse): void;
  /** Answers with an error the front found itself (a body over the limit), as the router answers its own errors. */
  fail(res: FrontResponse, e: unknown): void;
}

/**
 * The client-gone signal of one request: the engine registers a callback per attempt race, and
 * the front calls {@link abort} once when the connection closes before the response is written.
 */
export class GoneSignal implements ClientSignal {
  aborted = false;
  private fns: (() => void)[] | undefined;

  on(fn: () => void): void {
    if (this.aborted) return fn();
    (this.fns ??= []).push(fn);
  }

  off(fn: () => void): void {
    const fns = this.fns;
    if (fns === undefined) return;
    const i = fns.indexOf(fn);
    if (i >= 0) fns.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const fns = this.fns;
    this.fns = undefined;
    if (fns !== undefined) for (const fn of fns) fn();
  }
}
