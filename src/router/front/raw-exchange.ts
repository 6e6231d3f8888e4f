// One request read by the raw front, and the means to answer it: the handler gets this one object
// as its request and its response (one allocation per request besides the parsed head).
import type { Socket } from 'node:net';
import { GoneSignal, type FrontRequest, type FrontResponse } from './exchange.js';
import type { RequestHead } from './request-head.js';

/** What an exchange needs of its connection. */
export interface ExchangeOwner {
  readonly socket: Socket;
  /**
   * Writes the response if `ex` is still the connection's request in flight and the socket is
   * open; otherwise (the client went away) writes nothing.
   * @throws Error before writing anything, for a header value that would split the message.
   */
  respond(ex: RawExchange, status: number, headers: Record<string, string>, body: Buffer | string): void;
  /** Destroys the socket if `ex` is its request in flight. */
  drop(ex: RawExchange): void;
}

const NO_HEADERS: Record<string, string> = Object.freeze({});

export class RawExchange extends GoneSignal implements RequestHead, FrontRequest, FrontResponse {
  method = '';
  url = '';
  headers = NO_HEADERS;
  contentLength = -1;
  keepAlive = true;
  body: Buffer | undefined = undefined;
  sent = false;

  constructor(private readonly owner: ExchangeOwner) {
    super();
  }

  get gone(): GoneSignal {
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.owner.socket.remoteAddress;
  }

  send(status: number, headers: Record<string, string>, body: Buffer | string): void {
    // As node:http's writeHead after the head went out: a second answer is a bug, not a response.
    if (this.sent) throw new Error('a response was already sent for this request');
    this.owner.respond(this, status, headers, body);
    this.sent = true;
  }

  destroy(): void {
    this.sent = true;
    this.owner.drop(this);
  }
}
